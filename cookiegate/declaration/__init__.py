"""The cookie declaration: the cookie section of the privacy notice, generated and translated.

Built from the site config (services, cookies, storage keys, lifetimes, inherited from the
catalogue) and the latest saved scan (what was really seen, when, how long it lives), so it
cannot drift from the site without the compliance report saying so (:mod:`.observed`).
:mod:`.model` builds it, :mod:`.render` prints it in a language.
"""

from __future__ import annotations

from .model import Declaration
from .model import build
from .model import facts
from .render import Names
from .render import markdown
from .render import view

__all__ = ["Declaration", "Names", "build", "facts", "markdown", "view"]
