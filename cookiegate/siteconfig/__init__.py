"""One retailer site's config: its model, loading, catalogue services and regulator rules."""

from __future__ import annotations

from .load import load_site
from .load import load_sites
from .load import parse_site
from .model import Category
from .model import Service
from .model import SiteConfig

__all__ = ["Category", "Service", "SiteConfig", "load_site", "load_sites", "parse_site"]
