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
    #: What an opt-out regime's notice puts in force before any click: its overlay's
    #: ``granted`` categories, nothing else. Recorded so the audit shows what applied.
    NOTICE = "notice"
    #: "Do Not Sell or Share My Personal Information" under an opt-out regime.
    OPT_OUT = "opt_out"
    #: A browser signal, honoured per the visitor's regime (:data:`SIGNALS`).
    SIGNAL_GPC = "signal:gpc"
    SIGNAL_ADPC = "signal:adpc"


#: The browser signals a proof may name (``signal:<name>``): Global Privacy Control
#: (https://privacycg.github.io/gpc-spec/) and ADPC
#: (https://www.dataprotectioncontrol.org/spec/). A future browser setting (the EU Digital
#: Omnibus proposal's Art. 88b) is one more Method and one more entry here.
SIGNALS = (Method.SIGNAL_GPC, Method.SIGNAL_ADPC)
#: Methods only an opt-out or notice regime may record: nothing was asked first.
_NOT_UNDER_OPT_IN = (Method.NOTICE, Method.OPT_OUT)


@dataclass(frozen=True)
class InForce:
    """What the visitor's place puts in force (their jurisdiction overlay), for checking a
    choice against it. A site without ``[jurisdictions]`` is :func:`in_force` of no overlay."""

    regime: str = "opt_in"
    #: Optional categories on before any choice (an opt-out overlay's ``granted``).
    granted: tuple[str, ...] = ()
    #: Services run under the UK statistics exception here (empty outside the UK overlay).
    exempt: tuple[str, ...] = ()


def in_force(config: SiteConfig, overlay: str | None) -> InForce:
    """What applies to a visitor shown ``overlay`` (None: the site has no ``[jurisdictions]``).

    The UK statistics exception is the overlay's, not the site's: a site that sells to the
    UK and the EU enables it for the UK overlay only, and an EU visitor's proof must not
    treat those services as running without consent.
    """
    if config.jurisdictions is None or overlay is None:
        return InForce(exempt=tuple(config.uk_statistics))
    found = config.jurisdictions.overlay(overlay)
    exempt = tuple(config.uk_statistics) if found.uk_statistics else ()
    return InForce(found.regime, tuple(found.granted), exempt)


@dataclass(frozen=True)
class Decision:
    """Granted or refused, per category and per service the visitor set."""

    #: Every category of the site, locked ones True.
    categories: t.Mapping[str, bool]
    #: Only services the visitor set apart from their category.
    services: t.Mapping[str, bool]

    def allows(self, config: SiteConfig, service_id: str, place: InForce | None = None) -> bool:
        """True when ``service_id`` may run: its own choice, else the UK statistics
        exception (of the visitor's ``place``; the site's when not given), else its category's."""
        if service_id in self.services:
            return self.services[service_id]
        exempt = config.uk_statistics if place is None else place.exempt
        if service_id in exempt:
            return True  # runs without consent until the visitor objects
        service = next(s for s in config.services if s.id == service_id)
        return self.categories.get(service.category, False)

    def as_dict(self) -> dict[str, dict[str, bool]]:
        return {"categories": dict(self.categories), "services": dict(self.services)}


def parse_decision(
    config: SiteConfig,
    method: Method,
    categories: t.Any,
    services: t.Any,
    *,
    gpc: bool = False,
    adpc: bool = False,
    place: InForce | None = None,
) -> Decision:
    """Check choices cover every category, name only known services, and fit ``method``.

    :param gpc: the browser sent Global Privacy Control with this request. No
        method may then grant a ``gpc_refuses`` category or one of its services:
        the signal is the visitor's standing opt-out, so an "Accept all" click
        or a switch turned on does not outweigh it (CCPA regs. §7025, Colorado
        rule 5). The visitor opts in by turning the signal off for the site.
    :param adpc: the request carries the ADPC header withdrawing every consent or
        objecting to all (``ADPC: withdraw=*`` / ``object=*``, :mod:`cookiegate.web.adpc`).
        No method may then grant anything optional, the UK exception's statistics included:
        the header is the visitor's standing decision, sent with this very request, so a
        click that contradicts it is refused as a GPC one is, never recorded as a grant
        (the spec, https://www.dataprotectioncontrol.org/spec/, sections 6.3 and 6.5: the
        signal prevails over other interactions and withdraws consent given out of band).
    :param place: what the visitor's jurisdiction puts in force (:func:`in_force`); the
        site's own rules when not given.
    """
    _check_names(config, categories, services)
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
    place = place or in_force(config, None)
    _check_method(config, method, decision, place)
    _check_signals(config, method, decision, place, gpc=gpc, adpc=adpc)
    return decision


def _check_signals(
    config: SiteConfig, method: Method, decision: Decision, place: InForce, *, gpc: bool, adpc: bool
) -> None:
    """Refuse a decision the request's own signal headers contradict (:func:`parse_decision`)."""
    granted = _granted_optional(config, decision, place) if adpc else []
    if granted:
        raise ChoiceError(
            "method",
            f"The request carries an ADPC header withdrawing every consent or objecting to all "
            f"(ADPC: withdraw=* or object=*), so it cannot grant {granted}; send method "
            "'signal:adpc' with everything optional refused.",
        )
    if gpc and method not in _GPC_METHODS and _grants_gpc_refused(config, decision):
        raise ChoiceError(
            "method",
            f"The request carries Sec-GPC: 1 (Global Privacy Control), so it cannot grant "
            f"{_gpc_refused(config)}; send method 'gpc' with them refused.",
        )


def _check_names(config: SiteConfig, categories: t.Any, services: t.Any) -> None:
    """Both maps hold only true/false, for this site's categories and services."""
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


#: Methods that say the choice honours Global Privacy Control.
_GPC_METHODS = (Method.GPC, Method.SIGNAL_GPC)


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


def _granted_optional(config: SiteConfig, decision: Decision, place: InForce) -> list[str]:
    """The optional categories ``decision`` grants, then the services it lets run apart from
    them (a service turned on, or one of the UK exception's not objected to)."""
    cats = [c.id for c in config.optional_categories if decision.categories[c.id]]
    locked = {c.id for c in config.categories if c.locked}
    services = [
        s.id
        for s in config.services
        if s.category not in locked
        and s.category not in cats
        and decision.allows(config, s.id, place)
    ]
    return cats + services


def _check_method(config: SiteConfig, method: Method, decision: Decision, place: InForce) -> None:
    """Refuse a decision its method contradicts; a proof must not record a contradiction.

    :raises ChoiceError: e.g. an ``accept_all`` that refuses something.
    """
    optional = [c.id for c in config.optional_categories]
    values = [decision.categories[c] for c in optional] + list(decision.services.values())
    if method is Method.ACCEPT_ALL and not all(values):
        raise ChoiceError("method", "accept_all must grant every category and service.")
    if method in (Method.REJECT_ALL, Method.WITHDRAW, Method.SIGNAL_ADPC) and any(values):
        raise ChoiceError(
            "method", f"{method.value} must refuse every optional category and service."
        )
    if method in (*_GPC_METHODS, Method.OPT_OUT) and _grants_gpc_refused(config, decision):
        raise ChoiceError(
            "method",
            f"{method.value} must refuse {_gpc_refused(config)}: the visitor opted out of "
            "sale/sharing and targeted advertising (Global Privacy Control or Do Not Sell).",
        )
    _check_gpc_regime(method, place)
    if method in _NOT_UNDER_OPT_IN:
        _check_opt_out(config, method, decision, place)
    if method is Method.OBJECTION:
        exempt = place.exempt
        if not exempt:
            raise ChoiceError(
                "method",
                "objection is only for statistics run under the UK statistics exception, "
                "which neither this site nor this visitor's place uses.",
            )
        kept = [s for s in exempt if decision.services.get(s) is not False]
        if kept:
            raise ChoiceError(
                f"services.{kept[0]}",
                f"objection must set every service of the UK statistics exception to false "
                f"({list(exempt)}).",
            )


def _check_gpc_regime(method: Method, place: InForce) -> None:
    """``signal:gpc`` says the opt-out regime's standing opt-out applied (no dialog asked
    first); a proof from an opt-in place must not claim that: its GPC choice is ``gpc``.

    ``gpc`` stays accepted everywhere: the loader records it when a returning visitor turns
    the signal on, on a page that has not learnt the regime (static/js/src/loader/main.js).
    """
    if method is Method.SIGNAL_GPC and place.regime == "opt_in":
        raise ChoiceError(
            "method",
            "signal:gpc is the opt-out regime's Global Privacy Control opt-out, but this "
            "visitor's place is under opt_in: record the dialog's choice as gpc.",
        )


def _check_opt_out(config: SiteConfig, method: Method, decision: Decision, place: InForce) -> None:
    """A notice or Do Not Sell proof only where the visitor's regime asks nothing first, and
    a notice proof exactly what the overlay puts in force (nothing more is "given" by it)."""
    if place.regime == "opt_in":
        raise ChoiceError(
            "method",
            f"{method.value} is only for an opt-out or notice regime, but this visitor's "
            "place is under opt_in: consent must be asked first.",
        )
    if method is Method.NOTICE:
        expected = {c.id: c.locked or c.id in place.granted for c in config.categories}
        if dict(decision.categories) != expected or decision.services:
            raise ChoiceError(
                "method",
                f"notice must grant exactly the categories the visitor's regime starts "
                f"granted ({list(place.granted)}), and no service apart.",
            )
