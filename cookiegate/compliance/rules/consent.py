"""The consent rules: what the cookie law asks of a banner and of the site's config.

EDPB, CNIL, ICO, the ePrivacy Directive and PECR on choice, pre-ticked boxes and tags before
consent; GDPR on recipients; CCPA and Colorado on Global Privacy Control; PECR's UK statistics
exception. One table, in the order the report lists the rules.
"""

from __future__ import annotations

from .model import BROWSER
from .model import CCPA
from .model import CNIL
from .model import CONFIG
from .model import CPA
from .model import EDPB
from .model import EPRIVACY
from .model import GDPR13
from .model import ICO
from .model import N_
from .model import PECR
from .model import PLANET49
from .model import SERVER
from .model import WCAG
from .model import Rule

#: The test files (and one parametrized test) that guard these rules.
BT = "e2e/test_banner.py::"
BL = "e2e/test_blocking.py::"
SC = "tests/siteconfig/test_load.py::test_each_problem_is_reported_by_field_path"
CT = "e2e/test_compliance.py::"
SY = "e2e/test_symmetry.py::"
GP = "e2e/test_gpc.py::"
SR = "tests/siteconfig/test_rules.py::"
TG = "tests/web/test_gpc.py::"
UK = "e2e/test_uk_statistics.py::"
DO = "tests/declaration/test_observed.py::"
DC = "tests/compliance/test_declaration.py::"
EQUAL = SY + "test_accept_all_and_reject_all_are_equal_real_buttons_with_a_readable_refusal"
FAINT = SY + "test_symmetry_check_fails_a_smaller_fainter_reject_button"

CONSENT_RULES: tuple[Rule, ...] = (
    Rule(
        "choice-same-layer",
        N_("Reject all next to Accept all"),
        (EDPB, CNIL, ICO),
        N_(
            "Accept all and Reject all are real buttons on the banner's first layer, "
            "each a single click."
        ),
        (CONFIG, BROWSER),
        (
            BT + "test_first_layer_offers_accept_reject_and_preferences_with_equal_weight",
            EQUAL,
            SY + "test_one_click_on_accept_all_or_reject_all_records_a_proof_with_its_method",
            SC + "[banner.reject_all_on_first_layer:cannot be turned off]",
            CT + "test_demo_site_report_is_all_pass_in_chromium",
        ),
    ),
    Rule(
        "choice-equal-size",
        N_("Reject all as prominent as Accept all"),
        (EDPB, CNIL, ICO),
        N_(
            "Reject all is the same size as Accept all (within 20 %) with the same font size, "
            "in light and dark colour schemes, on desktop and phone widths."
        ),
        (BROWSER,),
        (EQUAL, FAINT, CT + "test_report_fails_when_the_shops_css_shrinks_reject_all"),
    ),
    Rule(
        "choice-reject-contrast",
        N_("Reject all is legible"),
        (EDPB, CNIL, WCAG),
        N_("The text of Reject all has a contrast of at least 4.5:1 against its background."),
        (BROWSER,),
        (EQUAL, FAINT, CT + "test_report_fails_when_the_shops_css_shrinks_reject_all"),
    ),
    Rule(
        "no-pre-ticked",
        N_("Nothing is pre-ticked"),
        (PLANET49, EDPB, CNIL),
        N_(
            "Only strictly necessary cookies are on before the visitor chooses; every other "
            "category starts off in the preferences."
        ),
        (CONFIG, BROWSER),
        (
            BT + "test_preferences_list_categories_and_services_with_necessary_locked_and_"
            "nothing_ticked",
            SC + "[categories.analytics.default:pre-ticked]",
        ),
    ),
    Rule(
        "no-tags-before-consent",
        N_("No tracking before consent"),
        (EPRIVACY, PECR, EDPB, ICO),
        N_(
            "No script, frame or pixel of an optional category loads before the visitor "
            "agrees, nor after Reject all, even when another script inserts it."
        ),
        (CONFIG, BROWSER),
        (
            BL + "test_before_a_choice_no_tag_runs_no_cookie_is_set_and_nothing_is_requested",
            BL + "test_tags_inserted_by_gtm_by_every_route_stay_blocked",
            BL + "test_reject_all_holds_across_a_reload_and_a_second_page",
            "e2e/test_vendor_signals_advanced.py::"
            "test_advanced_mode_loads_only_google_tags_before_consent_with_the_defaults_queued",
            "tests/compliance/test_config.py::test_advanced_consent_mode_is_flagged_for_the_dpo",
        ),
    ),
    Rule(
        "no-implied-consent",
        N_("No consent by closing, Escape, scrolling or leaving"),
        (EDPB, CNIL, ICO),
        N_(
            "Closing the banner, pressing Escape, scrolling or navigating to another page "
            "records no consent and runs no optional tag."
        ),
        (BROWSER,),
        (
            SY + "test_escape_closing_scrolling_or_moving_on_is_never_consent",
            SY + "test_no_consent_check_notices_a_banner_that_takes_escape_as_consent",
            BT + "test_escape_returns_from_preferences_to_the_first_layer_and_is_never_consent",
        ),
    ),
    Rule(
        "consent-lifetime",
        N_("Asked again within 13 months"),
        (CNIL, EDPB),
        N_("A consent lasts at most 13 months; then the visitor is asked again."),
        (CONFIG,),
        (SC + "[consent_lifetime_days:13 months]",),
    ),
    Rule(
        "necessary-only-necessary",
        N_("Necessary means necessary"),
        (EDPB, ICO, EPRIVACY),
        N_("No analytics or advertising service is filed under strictly necessary."),
        (CONFIG,),
        (
            SC + "[services.google-analytics.category:cannot be strictly necessary]",
            SC + "[services.meta-pixel.category:cannot be strictly necessary]",
        ),
    ),
    Rule(
        "purpose-descriptions",
        N_("Every purpose is described"),
        (EDPB, CNIL, ICO),
        N_("Every category and every service tells the visitor what it is for."),
        (CONFIG,),
        (
            SR + "test_a_service_without_a_purpose_is_refused",
            SR + "test_a_purpose_written_in_every_enabled_locale_is_enough",
        ),
    ),
    Rule(
        "necessary-reason",
        N_("Necessary cookies are justified"),
        (EPRIVACY, ICO, CNIL),
        N_(
            "Every strictly necessary service carries a written reason why the shop cannot "
            "work without it."
        ),
        (CONFIG,),
        (
            SR + "test_a_necessary_service_needs_a_written_reason_shown_to_visitors",
            SR + "test_only_necessary_services_may_claim_to_be_necessary",
        ),
    ),
    Rule(
        "no-legitimate-interest",
        N_("No legitimate interest for device storage"),
        (EPRIVACY, EDPB, CNIL),
        N_(
            "Nothing that stores or reads on the visitor's device relies on legitimate "
            "interest instead of consent."
        ),
        (CONFIG,),
        (
            SR + "test_legitimate_interest_is_refused_for_anything_on_the_device",
            SR + "test_legitimate_interest_stands_for_a_service_that_touches_nothing_on_the_device",
        ),
    ),
    Rule(
        "declaration-current",
        N_("The cookie declaration matches the site"),
        (GDPR13, EPRIVACY, ICO),
        N_(
            "The latest scan saw no cookie, storage key or third-party host that the cookie "
            "declaration lacks, and no cookie living longer than it declares."
        ),
        (CONFIG,),
        (
            DO + "test_an_undeclared_cookie_is_drift_with_its_name_domain_and_page",
            DO + "test_a_cookie_living_longer_than_declared_is_drift",
            DO + "test_an_unknown_third_party_host_and_storage_key_are_drift",
            DC + "test_drift_fails_the_rule_naming_cookie_domain_and_page",
            DC + "test_without_a_scan_the_rule_is_not_checked",
        ),
    ),
    Rule(
        "google-recipient",
        N_("Google named as recipient"),
        (GDPR13, EDPB),
        N_(
            "Services run by Google name Google as the provider and link Google's page on "
            "how it uses data from partner sites."
        ),
        (CONFIG,),
        (
            SR + "test_a_google_service_names_google_and_links_its_partner_sites_page",
            SR + "test_no_other_page_passes_as_googles_partner_sites_page",
        ),
    ),
    Rule(
        "gpc-honoured",
        N_("Global Privacy Control honoured"),
        (CCPA, CPA),
        N_(
            "A browser sending Global Privacy Control has advertising refused without "
            "asking, and the preferences say the signal was honoured."
        ),
        (CONFIG, BROWSER),
        (
            GP + "test_gpc_notice_is_visible_and_announced_in_the_preferences",
            GP + "test_sec_gpc_header_alone_is_honoured_by_the_banner_and_the_server",
            TG + "test_a_request_carrying_gpc_cannot_grant_what_gpc_refuses",
            BT + "test_gpc_refuses_advertising_and_records_method_gpc",
        ),
    ),
    Rule(
        "gpc-after-opt-in",
        N_("Global Privacy Control overrides an earlier opt-in"),
        (CCPA, CPA),
        N_(
            "A visitor who accepted advertising and later sends Global Privacy Control has "
            "advertising turned off on the next page, recorded as a new proof."
        ),
        (BROWSER,),
        (
            GP + "test_gpc_after_an_opt_in_turns_advertising_off_without_a_click",
            TG + "test_gpc_after_an_opt_in_is_recorded_as_a_new_proof_linked_to_the_old",
        ),
    ),
    Rule(
        "gpc-well-known",
        N_("GPC support declared"),
        (CCPA, CPA),
        N_("/.well-known/gpc.json declares that the site honours Global Privacy Control."),
        (SERVER,),
        (
            TG + "test_gpc_json_declares_support_per_the_gpc_spec",
            TG + "test_a_site_that_refuses_nothing_under_gpc_does_not_claim_to_honour_it",
        ),
    ),
    Rule(
        "uk-statistics-exception",
        N_("UK statistics exception used lawfully"),
        (PECR, ICO),
        N_(
            "Analytics runs without consent only where the UK exception is switched on, "
            "only for first-party statistics, and the visitor is told and can object in "
            "one click."
        ),
        (CONFIG, BROWSER),
        (
            SR + "test_uk_statistics_exception_refuses_what_is_not_first_party_statistics",
            UK + "test_first_party_statistics_run_before_any_choice_and_the_banner_says_so",
            UK + "test_object_is_recorded_and_stops_the_statistics_on_every_later_page",
            CT + "test_uk_statistics_exception_is_measured_and_not_counted_as_tracking",
        ),
    ),
)
