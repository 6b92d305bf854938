"""What each service catalogue entry does, in the words visitors read: marked for translation.

The purposes live in ``cookiegate/catalogue/entries/*.toml``; pybabel reads
only Python and templates, so they are repeated here
(tests/catalogue/test_catalogue.py fails when the two differ) and the banner
translates a catalogue service's purpose into the visitor's language
(:func:`cookiegate.web.banner.banner_content`).
"""

from __future__ import annotations


def N_(text: str) -> str:
    """Mark ``text`` for the translation catalogs without translating it here."""
    return text


PURPOSES = (
    # Translators: what a third-party service does for the shop, shown next to its name.
    N_("Connects your visits to our marketing e-mails so we can send you relevant ones."),
    # Translators: what a third-party service does for the shop, shown next to its name.
    N_("Counts visits and shows how people find and use the shop."),
    # Translators: what a third-party service does for the shop, shown next to its name.
    N_("Counts visits and shows which pages and products are popular."),
    # Translators: what a third-party service does for the shop, shown next to its name.
    N_("Lets you sign in with Facebook, share products and see embedded Facebook posts."),
    # Translators: what a third-party service does for the shop, shown next to its name.
    N_("Loads the shop's other tags, each only once you have allowed it."),
    # Translators: what a third-party service does for the shop, shown next to its name.
    N_("Records clicks and scrolling on our pages so we can fix what confuses visitors."),
    # Translators: what a third-party service does for the shop, shown next to its name.
    N_("Records how pages are used and asks short surveys, so we can improve the shop."),
    # Translators: what a third-party service does for the shop, shown next to its name.
    N_("Shows Instagram posts embedded in our pages."),
    # Translators: what a third-party service does for the shop, shown next to its name.
    N_("Shows customer reviews of products and of our service."),
    # Translators: what a third-party service does for the shop, shown next to its name.
    N_("Shows maps, for example to find a store near you."),
    # Translators: what a third-party service does for the shop, shown next to its name.
    N_("Shows our newsletter sign-up forms and tailors our e-mails to what you browse."),
    # Translators: what a third-party service does for the shop, shown next to its name.
    N_("Shows product ratings, reviews and questions from other customers."),
    # Translators: what a third-party service does for the shop, shown next to its name.
    N_("Shows product videos and reviews embedded from YouTube."),
    # Translators: what a third-party service does for the shop, shown next to its name.
    N_("Shows product videos embedded from Vimeo."),
    # Translators: what a third-party service does for the shop, shown next to its name.
    N_("Shows you adverts for products you viewed here on other sites."),
    # Translators: what a third-party service does for the shop, shown next to its name.
    N_("Shows you our adverts on Bing and partner sites and measures them."),
    # Translators: what a third-party service does for the shop, shown next to its name.
    N_("Shows you our adverts on Facebook and Instagram and measures them."),
    # Translators: what a third-party service does for the shop, shown next to its name.
    N_("Shows you our adverts on LinkedIn and measures them."),
    # Translators: what a third-party service does for the shop, shown next to its name.
    N_("Shows you our adverts on Pinterest and measures them."),
    # Translators: what a third-party service does for the shop, shown next to its name.
    N_("Shows you our adverts on Snapchat and measures them."),
    # Translators: what a third-party service does for the shop, shown next to its name.
    N_("Shows you our adverts on TikTok and measures them."),
    # Translators: what a third-party service does for the shop, shown next to its name.
    N_("Shows you our adverts on X and measures them."),
    # Translators: what a third-party service does for the shop, shown next to its name.
    N_("Shows you our adverts on other sites and measures which ones work."),
    # Translators: what a third-party service does for the shop, shown next to its name.
    N_("Tells us which of our e-mails you opened and what you looked at after clicking one."),
)
