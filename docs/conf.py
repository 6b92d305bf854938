"""Sphinx configuration for cookiegate's documentation.

Build with ``scripts/docs`` (warnings are errors). Nothing here reaches the
internet: no intersphinx, and the theme's assets ship in its wheel.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
# The repository's own package first, and the generators in _ext/.
sys.path[:0] = [str(ROOT), str(DOCS / "_ext")]
# Importing the package for the generated pages loads Alembic, whose plugin
# set-up logs at INFO into the build output.
logging.getLogger("alembic").setLevel(logging.WARNING)

project = "cookiegate"
author = "cookiegate contributors"
copyright = "2026, cookiegate contributors"

extensions = [
    "myst_parser",
    "sphinx_click",
    "cookiegate_docs",
]

source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
root_doc = "index"

# Markdown as the README wrote it: GitHub-style anchors for "#section" links,
# definition lists and ":::" fences where a page needs them.
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence", "deflist"]

html_theme = "furo"
html_title = "cookiegate"
html_static_path = ["_static"]
html_show_sourcelink = False
# Unmarked code blocks are shell commands and terminal output, not Python.
highlight_language = "none"
