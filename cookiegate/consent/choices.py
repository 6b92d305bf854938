"""What a visitor chose: the consent methods, the decision, and whether they agree.

Pure functions over a :class:`~cookiegate.siteconfig.SiteConfig`. The
choices must cover every category of the site and name only its services,
and the method must agree with them (an "accept all" that refuses something
is a client bug or a forgery, and a proof must not record it). Reading the
rest of a consent POST is :mod:`cookiegate.consent.request`'s job.
"""

from __future__ import annotations

import enum
import typing as t
from dataclasses import dataclass

from ..core.errors import ChoiceError

if t.TYPE_CHECKING:
    from ..siteconfig.model import SiteConfig


class Method(enum.StrEnum):
    """How the visitor gave (or withdrew) consent."""

    ACCEPT_ALL = "accept_all"
    REJECT_ALL = "reject_all"
    CUSTOM = "custom"
    GPC = "gpc"
    WITHDRAW = "withdraw"
    #: The visitor objected to statistics run under the UK exception (PECR reg. 6).
    OBJECTION = "objection"


@dataclass(frozen=True)
class Decision:
    """Granted or refused, per category and per service the visitor set."""

    #: Every category of the site, locked ones True.
    categories: t.Mapping[str, bool]
    #: Only services the visitor set apart from their category.
    services: t.Mapping[str, bool]

    def allows(self, config: SiteConfig, service_id: str) -> bool:
        """True when ``service_id`` may run: its own choice, else the UK statistics
        exception, else its category's."""
        if service_id in self.services:
            return self.services[service_id]
        if service_id in config.uk_statistics:
            return True  # runs without consent until the visitor objects
        service = next(s for s in config.services if s.id == service_id)
        return self.categories.get(service.category, False)

    def as_dict(self) -> dict[str, dict[str, bool]]:
        return {"categories": dict(self.categories), "services": dict(self.services)}


def parse_decision(
    config: SiteConfig, method: Method, categories: t.Any, services: t.Any, *, gpc: bool = False
) -> Decision:
    """Check choices cover every category, name only known services, and fit ``method``.

    :param gpc: the browser sent Global Privacy Control with this request. No
        method may then grant a ``gpc_refuses`` category or one of its services:
        the signal is the visitor's standing opt-out, so an "Accept all" click
        or a switch turned on does not outweigh it (CCPA regs. §7025, Colorado
        rule 5). The visitor opts in by turning the signal off for the site.
    """
    if not isinstance(services, dict):
        raise ChoiceError("services", "services must be an object of service id to true/false.")
    known = {c.id for c in config.categories}
    for name, bucket in (("choices", categories), ("services", services)):
        for key, value in bucket.items():
            if not isinstance(value, bool):
                raise ChoiceError(f"{name}.{key}", f"{name}.{key} must be true or false.")
    for key in categories:
        if key not in known:
            raise ChoiceError(f"choices.{key}", f"Unknown category {key!r}.")
    for key in services:
        if not any(s.id == key for s in config.services):
            raise ChoiceError(f"services.{key}", f"Unknown service {key!r}.")
    cats: dict[str, bool] = {}
    for category in config.categories:
        if category.locked:
            if categories.get(category.id, True) is not True:
                raise ChoiceError(
                    f"choices.{category.id}", f"{category.id!r} is always on and cannot be refused."
                )
            cats[category.id] = True
        elif category.id not in categories:
            raise ChoiceError(
                f"choices.{category.id}", f"A choice for {category.id!r} is required."
            )
        else:
            cats[category.id] = categories[category.id]
    locked = {c.id for c in config.categories if c.locked}
    for service in config.services:
        if service.category in locked and services.get(service.id, True) is not True:
            raise ChoiceError(
                f"services.{service.id}",
                f"{service.id!r} is strictly necessary and cannot be refused.",
            )
    decision = Decision(cats, dict(services))
    _check_method(config, method, decision)
    if gpc and method is not Method.GPC and _grants_gpc_refused(config, decision):
        raise ChoiceError(
            "method",
            f"The request carries Sec-GPC: 1 (Global Privacy Control), so it cannot grant "
            f"{_gpc_refused(config)}; send method 'gpc' with them refused.",
        )
    return decision


def _gpc_refused(config: SiteConfig) -> list[str]:
    return [c.id for c in config.categories if c.gpc_refuses]


def _grants_gpc_refused(config: SiteConfig, decision: Decision) -> bool:
    """True when ``decision`` grants a category refused under GPC, or one of its services."""
    refused = _gpc_refused(config)
    return any(decision.categories[c] for c in refused) or any(
        v
        for s, v in decision.services.items()
        if next(x for x in config.services if x.id == s).category in refused
    )


def _check_method(config: SiteConfig, method: Method, decision: Decision) -> None:
    """Refuse a decision its method contradicts; a proof must not record a contradiction.

    :raises ChoiceError: e.g. an ``accept_all`` that refuses something.
    """
    optional = [c.id for c in config.optional_categories]
    values = [decision.categories[c] for c in optional] + list(decision.services.values())
    if method is Method.ACCEPT_ALL and not all(values):
        raise ChoiceError("method", "accept_all must grant every category and service.")
    if method in (Method.REJECT_ALL, Method.WITHDRAW) and any(values):
        raise ChoiceError(
            "method", f"{method.value} must refuse every optional category and service."
        )
    if method is Method.GPC and _grants_gpc_refused(config, decision):
        raise ChoiceError(
            "method",
            f"gpc must refuse {_gpc_refused(config)}: the browser sent Global Privacy Control.",
        )
    if method is Method.OBJECTION:
        exempt = config.uk_statistics
        if not exempt:
            raise ChoiceError(
                "method",
                "objection is only for sites that run statistics under the UK statistics "
                "exception, and this site does not.",
            )
        kept = [s for s in exempt if decision.services.get(s) is not False]
        if kept:
            raise ChoiceError(
                f"services.{kept[0]}",
                f"objection must set every service of the UK statistics exception to false "
                f"({list(exempt)}).",
            )
