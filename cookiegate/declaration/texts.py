"""The declaration's own words, marked for the translation catalogs and translated on render.

Category names and descriptions and the services' purposes are the banner's (the visitor
reads the same words in both); these are the declaration's headings and cell values.
pybabel finds them by :func:`N_`; :func:`cookiegate.declaration.render.view` translates them
with the ``gettext`` its caller passes (flask-babel's in the web layer and the CLI).
"""

from __future__ import annotations


def N_(text: str) -> str:
    """Mark ``text`` for the translation catalogs without translating it here."""
    return text


TEXTS = {
    "title": N_("Cookie declaration"),
    # Translators: %(revision)s is a number, %(date)s a date written out in the language.
    "scanned": N_("Version %(revision)s, checked against the site by a scan on %(date)s."),
    "unscanned": N_("Version %(revision)s. Not yet checked against the site by a scan."),
    "provider": N_("Provider"),
    "purpose": N_("Purpose"),
    "basis": N_("Legal basis"),
    "recipients": N_("Recipients"),
    "countries": N_("Countries data goes to"),
    "privacy": N_("Privacy policy"),
    "name": N_("Name"),
    "type": N_("Type"),
    "domain": N_("Domain"),
    "lifetime": N_("Lifetime"),
    "seen": N_("Seen"),
    "necessary": N_("Strictly necessary: no consent needed"),
    "consent": N_("Your consent"),
    "legitimate_interest": N_("Legitimate interest"),
    "cookie": N_("Cookie"),
    "local": N_("Local storage"),
    "session_storage": N_("Session storage"),
    "session": N_("Until you close the browser"),
    "until_deleted": N_("Until deleted"),
    "not_declared": N_("Not declared"),
    # Translators: %(date)s is a date written out in the language.
    "observed": N_("Observed on %(date)s"),
    "declared_only": N_("Declared only"),
    "this_site": N_("This site"),
    "third_party": N_("Third party"),
    "change": N_("Change your choices"),
    "own_name": N_("Cookie consent"),
    "own_purpose": N_("Remembers your cookie choices so we do not ask again on every page."),
}
