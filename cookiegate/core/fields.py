"""A small reader for nested config tables that records problems by field path.

Each accessor returns a usable fallback value after recording a problem, so
one pass over a file finds every mistake in it. ``finish()`` reports the keys
nobody asked for, which is how typos (``patern = ...``) get caught.
"""

from __future__ import annotations

import typing as t

from .checks import is_slug
from .errors import ConfigProblem
from .times import parse_lifetime

_REQUIRED: t.Any = object()
Check = t.Callable[[str], "str | None"]


class Fields:
    """Typed access to one table of a parsed TOML document."""

    def __init__(
        self,
        data: t.Any,
        path: str,
        problems: list[ConfigProblem] | None = None,
    ) -> None:
        self.path = path
        self.problems: list[ConfigProblem] = [] if problems is None else problems
        self._data: t.Mapping[str, t.Any] = data if isinstance(data, dict) else {}
        self._seen: set[str] = set()

    def _at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def problem(self, key: str, message: str) -> None:
        self.problems.append(ConfigProblem(self._at(key), message))

    def keys(self) -> list[str]:
        self._seen.update(self._data)
        return list(self._data)

    def has(self, key: str) -> bool:
        """Is ``key`` written at all (an optional table whose absence means "none")?"""
        return key in self._data

    def _get(self, key: str, default: t.Any, kind: type, label: str) -> t.Any:
        self._seen.add(key)
        if key not in self._data:
            if default is _REQUIRED:
                self.problem(key, "This field is required.")
                return None
            return default
        value = self._data[key]
        # bool is an int subclass: refuse `revision = true`.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.problem(key, f"Expected {label}, got {value!r}.")
            return None
        return value

    def string(self, key: str, default: t.Any = _REQUIRED, check: Check | None = None) -> str:
        value = self._get(key, default, str, "a string")
        if value is None:
            return ""
        if value != default and not value.strip():
            self.problem(key, "Must not be empty.")
        elif check and value != default and (why := check(value)):
            self.problem(key, why)
        return t.cast(str, value)

    def slug(self, key: str) -> str:
        value = self.string(key)
        if value and not is_slug(value):
            self.problem(
                key,
                f"{value!r} is not a valid id (lower-case letters, digits, - and _, at most 64).",
            )
        return value

    def integer(self, key: str, default: t.Any = _REQUIRED, minimum: int | None = None) -> int:
        value = self._get(key, default, int, "a whole number")
        if value is None:
            return minimum or 0
        if minimum is not None and value < minimum:
            self.problem(key, f"Must be at least {minimum}, got {value}.")
        return t.cast(int, value)

    def flag(self, key: str, default: t.Any = _REQUIRED) -> bool:
        value = self._get(key, default, bool, "true or false")
        return bool(value)

    def list_of(
        self,
        key: str,
        kind: type,
        default: t.Any = _REQUIRED,
        check: Check | None = None,
        nonempty: bool = False,
    ) -> list[t.Any]:
        value = self._get(key, default, list, "a list")
        if value is None:
            return []
        if nonempty and not value:
            self.problem(key, "Must list at least one entry.")
        good: list[t.Any] = []
        for i, item in enumerate(value):
            if not isinstance(item, kind):
                self.problem(f"{key}[{i}]", f"Expected {kind.__name__}, got {item!r}.")
            elif check and (why := check(t.cast(str, item))):
                self.problem(f"{key}[{i}]", why)
            else:
                good.append(item)
        if len(set(map(repr, value))) != len(value):
            self.problem(key, "Lists the same entry twice.")
        return good

    def table(self, key: str) -> Fields:
        value = self._get(key, {}, dict, "a table")
        return Fields(value or {}, self._at(key), self.problems)

    def lifetimes(
        self, key: str, names: t.Collection[str], default: t.Any = _REQUIRED
    ) -> tuple[tuple[str, int], ...]:
        """A table of cookie name (one of ``names``) -> lifetime, as ``(name, seconds)``.

        Written ``"2y"``, ``"13mo"``, ``"90d"``, ``"24h"``, ``"1min"`` or ``"session"`` (0 s):
        the declaration prints it in every language and the drift rule compares it with the
        expiry a scan saw, so it is a duration, not free text.
        """
        value = self._get(key, default, dict, "a table of cookie name = lifetime")
        if not isinstance(value, dict):
            return tuple(value or ())
        good: list[tuple[str, int]] = []
        for name, text in value.items():
            seconds = parse_lifetime(text) if isinstance(text, str) else None
            if name not in names:
                self.problem(f"{key}.{name}", f"{name!r} is not one of the cookies {list(names)}.")
            elif seconds is None:
                self.problem(
                    f"{key}.{name}",
                    f'Expected a lifetime such as "2y", "13mo", "90d", "24h", '
                    f'"30min" or "session", got {text!r}.',
                )
            else:
                good.append((name, seconds))
        return tuple(good)

    def flat_strings(self, key: str) -> dict[str, str]:
        """Flatten a nested table of strings to ``{"a.b.c": "text"}``."""
        out: dict[str, str] = {}

        def walk(node: t.Any, prefix: str) -> None:
            if isinstance(node, dict):
                for k, v in node.items():
                    walk(v, f"{prefix}.{k}" if prefix else k)
            elif isinstance(node, str) and node.strip():
                out[prefix] = node
            else:
                self.problem(f"{key}.{prefix}", f"Expected a non-empty string, got {node!r}.")

        walk(self._get(key, {}, dict, "a table") or {}, "")
        return out

    def finish(self) -> None:
        """Record every key of this table that no accessor read."""
        for key in self._data:
            if key not in self._seen:
                self.problem(
                    key, "Unknown field; check its spelling against the site config reference."
                )
