"""The site scanner: what a site's pages run, set and store, before and after consent.

:func:`scan` crawls a site in headless Chromium (:mod:`.crawl`), attributes
every third-party request, cookie and storage key to the site's config or the
service catalogue (:mod:`.classify`), and builds one report dict
(:mod:`.analyse`, over the rows of :mod:`.inventory`) that is written as JSON
or HTML (:mod:`.render`), stored as the site's latest scan and shown in the
admin.
"""

from __future__ import annotations

import typing as t

from .analyse import analyse
from .crawl import ScanError
from .crawl import crawl
from .urls import UrlError
from .visitor import Options

if t.TYPE_CHECKING:
    from playwright.sync_api import Browser

    from ..catalogue.model import Catalogue
    from ..siteconfig.model import SiteConfig

__all__ = ["Options", "ScanError", "UrlError", "scan"]


def scan(
    url: str,
    options: Options,
    config: SiteConfig | None = None,
    catalogue: Catalogue | None = None,
    using: Browser | None = None,
) -> dict[str, t.Any]:
    """Crawl ``url`` and return the report dict.

    :param config: the site's config, to compare what was found with it.
    :param using: a running browser to scan in (default: launch Chromium for the scan).
    :raises UrlError: a URL that is not http(s).
    :raises ScanError: robots.txt forbids the start page, or it does not load.
    """
    if catalogue is None:
        from ..catalogue.load import load_catalogue

        catalogue = load_catalogue()
    return analyse(crawl(url, options, using), catalogue, config)
