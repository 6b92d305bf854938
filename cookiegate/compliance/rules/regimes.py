"""The rules of each regime a site's ``[jurisdictions]`` uses, measured with its geo headers.

Kept apart from :data:`~cookiegate.compliance.rules.RULES`: a site without ``[jurisdictions]``
has one regime everywhere and its report lists exactly those rules. A site with overlays gets,
beside them, one section per overlay, listing the rules of :func:`rules_for` (these, and the
opt-in rules of the registry measured again with the overlay's place in the headers).

Sources, each read at the address given:

- 11 CCR §7026 (requests to opt out of sale/sharing; the "Do Not Sell or Share My Personal
  Information" link, (a)(1), and stopping within 15 business days, (f)):
  https://www.law.cornell.edu/regulations/california/11-CCR-7026
- 11 CCR §7015 (the Alternative Opt-out Link "Your Privacy Choices"):
  https://www.law.cornell.edu/regulations/california/11-CCR-7015
- 11 CCR §7025 (opt-out preference signals, e.g. Global Privacy Control, honoured as a valid
  request to opt out of sale/sharing): https://www.law.cornell.edu/regulations/california/11-CCR-7025
- 11 CCR §7004 (methods easy to use, no more steps to opt out than to opt in):
  https://www.law.cornell.edu/regulations/california/11-CCR-7004
- WCAG 2.2 success criterion 2.1.1 Keyboard: https://www.w3.org/TR/WCAG22/#keyboard
"""

from __future__ import annotations

from .model import BROWSER
from .model import CPA
from .model import SERVER
from .model import Rule

CCR7026 = "CCPA regulations 11 CCR §7026 (Do Not Sell or Share link, opting out)"
CCR7015 = "CCPA regulations 11 CCR §7015 (Alternative Opt-out Link, Your Privacy Choices)"
CCR7025 = "CCPA regulations 11 CCR §7025 (opt-out preference signals)"
CCR7004 = "CCPA regulations 11 CCR §7004 (symmetry, easy to use)"
KEYBOARD = "WCAG 2.2 SC 2.1.1 Keyboard"
SITE = "the site's [jurisdictions] overlay"

CT = "e2e/test_compliance.py::"
TR = "tests/compliance/test_regimes.py::"
RG = "e2e/test_regimes.py::"

REGIME_RULES: tuple[Rule, ...] = (
    Rule(
        "regime-applied",
        "The visitor's place selects its regime",
        (SITE,),
        "A request carrying the place's geo headers gets the overlay's regime and banner; a "
        "request with no geo header gets the site's strictest regime.",
        (SERVER, BROWSER),
        (
            TR + "test_each_overlay_is_visited_at_its_first_place_and_once_without_a_header",
            CT + "test_demo_site_report_has_a_passing_section_per_regime",
        ),
    ),
    Rule(
        "optout-links",
        "Do Not Sell or Share and Your Privacy Choices offered, by keyboard too",
        (CCR7026, CCR7015, KEYBOARD),
        'The opt-out notice shows "Do Not Sell or Share My Personal Information" and "Your '
        'Privacy Choices" as buttons on the page, each reachable with the Tab key.',
        (BROWSER,),
        (
            RG + "test_california_without_gpc_gets_the_opt_out_notice_and_its_categories_run",
            CT + "test_demo_site_report_has_a_passing_section_per_regime",
        ),
    ),
    Rule(
        "optout-granted",
        "Only the regime's categories run before a choice",
        (CCR7026, SITE),
        "Before any click, only the services of the overlay's granted categories are "
        "requested, and the proof records exactly those categories as the notice in force.",
        (BROWSER,),
        (
            RG + "test_california_without_gpc_gets_the_opt_out_notice_and_its_categories_run",
            CT + "test_demo_site_report_has_a_passing_section_per_regime",
        ),
    ),
    Rule(
        "optout-gpc",
        "Global Privacy Control opts out of sale and sharing",
        (CCR7025, CPA),
        "A browser sending Global Privacy Control gets no advertising request, without a "
        "click, and a proof with method signal:gpc and advertising refused.",
        (BROWSER,),
        (
            RG + "test_california_with_gpc_gets_no_dialog_advertising_off_and_a_signal_proof",
            CT + "test_report_fails_the_gpc_rule_when_gpc_no_longer_refuses_advertising",
        ),
    ),
    Rule(
        "optout-do-not-sell",
        "Do Not Sell or Share stops advertising",
        (CCR7026, CCR7004),
        "One click on Do Not Sell or Share records an opt_out proof, and the next page "
        "requests no advertising service.",
        (BROWSER,),
        (
            RG + "test_california_without_gpc_gets_the_opt_out_notice_and_its_categories_run",
            CT + "test_demo_site_report_has_a_passing_section_per_regime",
        ),
    ),
)
