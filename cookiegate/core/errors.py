"""The exceptions cookiegate raises, one tree rooted at :class:`CookiegateError`.

Domain errors carry the fields a caller needs to explain the problem (the
config field path, why a token was refused). The errors meant for HTTP
clients join the tree in :mod:`cookiegate.web.errors`, the only layer that
knows HTTP.
"""

from __future__ import annotations

import typing as t


class CookiegateError(Exception):
    """Base class of every error cookiegate raises on purpose."""


class ConfigProblem(t.NamedTuple):
    """One thing wrong with a site config, located by its field path."""

    #: Dotted path of the field, e.g. ``services.google-analytics.category``.
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ConfigError(CookiegateError):
    """A site config file is unreadable or breaks a rule.

    All problems of one file are collected before raising, so a retailer
    fixes the whole file in one pass instead of one error per run.
    """

    def __init__(self, source: str, problems: list[ConfigProblem]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{source}: {len(problems)} problem(s)\n{lines}")

    @property
    def paths(self) -> list[str]:
        return [p.path for p in self.problems]


class TokenError(CookiegateError):
    """A consent token cannot be trusted; callers treat it as "no consent"."""

    def __init__(self, reason: str) -> None:
        #: Short machine-readable reason: ``malformed``, ``bad_signature``,
        #: ``expired``, ``wrong_site`` or ``wrong_revision``.
        self.reason = reason
        super().__init__(f"The consent token was refused: {reason}.")


class StoreError(CookiegateError):
    """The proof store is unreachable or its schema is not up to date."""


class ChoiceError(CookiegateError):
    """A consent request is malformed or contradicts the site config."""

    def __init__(self, field: str, message: str) -> None:
        #: The request field at fault, e.g. ``choices.analytics``.
        self.field = field
        super().__init__(message)


class StaleRevision(CookiegateError):
    """The visitor saw an older config revision or different texts than the server has now."""


class SettingsError(CookiegateError):
    """A ``COOKIEGATE_*`` setting has a value the server cannot start with."""

    def __init__(self, key: str, message: str) -> None:
        #: The setting at fault, e.g. ``COOKIEGATE_SECRET_KEYS``.
        self.key = key
        super().__init__(message)
