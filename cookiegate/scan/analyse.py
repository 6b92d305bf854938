"""Turn what the browser saw into the scan report: findings first, then the inventory.

Pure: a :class:`~.observe.Crawl`, the catalogue and (optionally) the site's
config in, one JSON-ready dict out. The HTML report, the JSON file, the
stored scan and the admin page all show this one dict. The inventory rows
(one per request, cookie and storage key) come from :mod:`.inventory`; this
module builds the sections over them: what ran before consent, the services
and unknown hosts found, the loader's presence, the config advice and the
summary.
"""

from __future__ import annotations

import typing as t
from dataclasses import asdict

from . import inventory
from . import observe as o
from .advice import config_advice
from .classify import Classifier
from .classify import SiteRules

if t.TYPE_CHECKING:
    from ..catalogue.model import Catalogue
    from ..siteconfig.model import SiteConfig

#: Version of the report's JSON shape; bump when fields change meaning.
FORMAT = "cookiegate-scan/1"


def site_rules(config: SiteConfig | None, loader: o.LoaderInfo | None) -> SiteRules:
    """The site's classification: the local config when given, else the live loader's rules."""
    if config is not None:
        from ..loader.payload import compiled_rules

        rules = compiled_rules(config)
        rules["names"] = {s.id: s.name for s in config.services}
        return SiteRules(rules)
    if loader is not None:
        return SiteRules(asdict(loader))
    return SiteRules(None)


def analyse(
    crawl: o.Crawl, catalogue: Catalogue, config: SiteConfig | None = None
) -> dict[str, t.Any]:
    """Build the report dict (see docs/compliance.md, "Scanning a site", for its sections)."""
    c = Classifier(site_rules(config, crawl.loader), catalogue, crawl.loader)
    request_rows = inventory.request_rows(crawl, c)
    cookie_rows = inventory.cookie_rows(crawl, c)
    storage_rows = inventory.storage_rows(crawl, c)
    services = _services(request_rows, cookie_rows, storage_rows, catalogue)
    unmatched = _unmatched_hosts(request_rows)
    advice = config_advice(config, services, unmatched, catalogue) if config else None
    if advice is not None:
        covered = set(advice["covered"])
        for row in services:
            row["in_config"] = row["id"] in covered
    first_party = {
        # Unknown cookies on the shop's domain written by its own code or its server;
        # one written by an unknown third-party script is that script's (see its host).
        "cookies": [
            r
            for r in cookie_rows
            if r["party"] == "first" and not r["source"] and r["set_by_party"] != "third"
        ],
        "storage": [r for r in storage_rows if r["party"] == "first" and not r["source"]],
    }
    before = {
        "requests": [r for r in request_rows if r["status"] != "ok"],
        "cookies": [r for r in cookie_rows if r["status"] != "ok"],
        "storage": [r for r in storage_rows if r["status"] != "ok"],
    }
    for rows in before.values():
        rows.sort(key=lambda r: (r["status"] != "failure", r["category"], r["service"]))
    report = {
        "format": FORMAT,
        "start_url": crawl.start_url,
        "site_domain": crawl.site,
        "site_id": config.id if config else None,
        "started_at": crawl.started_at,
        "finished_at": crawl.finished_at,
        "options": crawl.options,
        "loader": _loader(crawl, config),
        "accepted": crawl.accepted,
        "notes": list(crawl.notes),
        "pages": [asdict(p) for p in crawl.pages],
        "skipped": [{"url": u, "reason": why} for u, why in crawl.skipped],
        "before_consent": before,
        "services": services,
        "unmatched_hosts": unmatched,
        "config": advice,
        "first_party": first_party,
        "requests": sorted(request_rows, key=lambda r: r["url"]),
        "cookies": sorted(cookie_rows, key=lambda r: (r["party"], r["name"])),
        "storage": sorted(storage_rows, key=lambda r: (r["origin"], r["key"])),
    }
    report["summary"] = summarise(report)
    return report


def _loader(crawl: o.Crawl, config: SiteConfig | None) -> dict[str, t.Any]:
    info = crawl.loader
    visited = [p for p in crawl.pages if p.phase == o.BEFORE and p.status == "ok"]
    without = [p.url for p in visited if not p.has_loader]
    out: dict[str, t.Any] = {
        "present": info is not None,
        "pages_without": without[:50],
        "pages_without_count": len(without),
    }
    if info is not None:
        out.update(site=info.site, revision=info.revision, api=info.api)
        if config is not None and (info.site != config.id or info.revision != config.revision):
            out["mismatch"] = (
                f"The pages run site {info.site!r} revision {info.revision}; the local config "
                f"is {config.id!r} revision {config.revision}."
            )
    return out


def _services(
    requests: list[dict[str, t.Any]],
    cookies: list[dict[str, t.Any]],
    storage: list[dict[str, t.Any]],
    catalogue: Catalogue,
) -> list[dict[str, t.Any]]:
    """One row per known service: its catalogue entry if it has one, else the site's service."""
    out: dict[str, dict[str, t.Any]] = {}
    for kind, rows in (("requests", requests), ("cookies", cookies), ("storage", storage)):
        for r in rows:
            if not r["source"]:
                continue
            sid = r["catalogue"] or r["service"]
            entry = catalogue.get(r["catalogue"]) if r["catalogue"] else None
            s = out.setdefault(
                sid,
                {
                    "id": sid,
                    "name": entry.name if entry else r["service_name"],
                    "vendor": entry.vendor if entry else "",
                    "category": r["category"],
                    "catalogue": bool(entry),
                    "site_service": "",
                    "privacy_url": entry.privacy_url if entry else "",
                    "countries": list(entry.countries) if entry else [],
                    "hosts": [],
                    "requests": 0,
                    "cookies": [],
                    "storage": [],
                    "before_consent": False,
                    "failure": False,
                    "pages": [],
                    "in_config": None,
                },
            )
            if r["source"] == "site":
                s["site_service"] = r["service"]
                s["category"] = r["category"]
            if kind == "requests":
                s["requests"] += r["count"]
                if r["host"] not in s["hosts"]:
                    s["hosts"].append(r["host"])
            elif kind == "cookies":
                s["cookies"].append(r["name"])
            else:
                s["storage"].append(r["key"])
            s["before_consent"] |= r["before_consent"]
            s["failure"] |= r["status"] == "failure"
            s["pages"] = (s["pages"] + [p for p in r["pages"] if p not in s["pages"]])[
                : inventory.MAX_PAGES
            ]
    return sorted(out.values(), key=lambda s: (not s["before_consent"], s["category"], s["id"]))


def _unmatched_hosts(requests: list[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    hosts: dict[str, dict[str, t.Any]] = {}
    for r in requests:
        if r["source"]:
            continue
        h = hosts.setdefault(
            r["host"],
            {"host": r["host"], "requests": 0, "types": [], "pages": [], "before_consent": False},
        )
        h["requests"] += r["count"]
        h["types"] = sorted(set(h["types"]) | set(r["types"]))
        h["pages"] = (h["pages"] + [p for p in r["pages"] if p not in h["pages"]])[
            : inventory.MAX_PAGES
        ]
        h["before_consent"] |= r["before_consent"]
    return sorted(hosts.values(), key=lambda h: (not h["before_consent"], h["host"]))


def summarise(report: t.Mapping[str, t.Any]) -> dict[str, t.Any]:
    """Counts and a one-line verdict for the top of the report."""
    before = report["before_consent"]
    failures = {r["service"] for rows in before.values() for r in rows if r["status"] == "failure"}
    reviews = sum(1 for rows in before.values() for r in rows if r["status"] == "review")
    pages = [p for p in report["pages"] if p["phase"] == o.BEFORE]
    failed = [p for p in report["pages"] if p["status"] == "failed"]
    config = report.get("config") or {}
    if failures:
        verdict = "fail"
    elif reviews:
        verdict = "review"
    else:
        verdict = "pass"
    return {
        "verdict": verdict,
        "pages_scanned": sum(p["status"] == "ok" for p in pages),
        "pages_failed": len(failed),
        "pages_skipped": len(report["skipped"]),
        "services_before_consent": sorted(failures),
        "items_to_review": reviews,
        "services_found": len(report["services"]),
        "unmatched_hosts": len(report["unmatched_hosts"]),
        "missing_from_config": [m["id"] for m in config.get("missing", [])],
        "first_party_to_classify": len(report["first_party"]["cookies"])
        + len(report["first_party"]["storage"]),
        "cookies": len(report["cookies"]),
        "third_party_requests": sum(r["count"] for r in report["requests"]),
    }
