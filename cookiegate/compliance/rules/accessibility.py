"""The accessibility rules: what WCAG 2.2 AA (EN 301 549, the European Accessibility Act) asks
of the banner, measured in real Chromium. One table, in the order the report lists the rules.
"""

from __future__ import annotations

from .model import BROWSER
from .model import N_
from .model import WCAG
from .model import Rule

#: The test files that guard these rules.
AX = "e2e/test_accessibility.py::"
BT = "e2e/test_banner.py::"

ACCESSIBILITY_RULES: tuple[Rule, ...] = (
    Rule(
        "wcag-axe",
        N_("No WCAG 2.2 AA violation found by axe-core"),
        (WCAG,),
        N_(
            "axe-core finds no WCAG 2.2 AA violation on the banner's first layer, its "
            "preferences and the reopen control, in light and dark, at 1280 and 360 px."
        ),
        (BROWSER,),
        (
            AX
            + "test_axe_finds_no_wcag_22_aa_violation_in_banner_preferences_reopen_or_placeholder",
            AX + "test_the_banner_brings_no_violation_into_a_clean_page",
        ),
    ),
    Rule(
        "wcag-focus",
        N_("Focus is managed"),
        (WCAG,),
        N_(
            "Keyboard focus moves into the banner when it opens, stays in it, and returns to "
            "where it was when it closes."
        ),
        (BROWSER,),
        (
            AX + "test_focus_moves_into_the_dialog_and_keyboard_focus_stays_inside",
            AX + "test_focus_returns_to_the_control_that_opened_the_preferences",
            BT + "test_keyboard_only_reach_toggle_and_save_with_focus_kept_in_the_dialog",
        ),
    ),
    Rule(
        "wcag-dialog",
        N_("The banner is announced"),
        (WCAG,),
        N_("Screen readers announce the banner as a dialog with its title and description."),
        (BROWSER,),
        (AX + "test_dialog_is_announced_with_a_name_and_a_description",),
    ),
    Rule(
        "wcag-toggles",
        N_("Switches announce their state"),
        (WCAG,),
        N_(
            "Each category switch tells screen readers whether it is on or off, and the "
            "state changes on click and Space."
        ),
        (BROWSER,),
        (AX + "test_switches_announce_their_state_and_it_changes_on_click_and_space",),
    ),
    Rule(
        "wcag-reflow",
        N_("Usable zoomed in"),
        (WCAG,),
        # No letter right after a "%": gettext tools would read "% r" as a placeholder.
        N_(
            "Zoomed to 200 %, or reflowed to 320 CSS px wide (400 %), every control can be "
            "reached without scrolling sideways."
        ),
        (BROWSER,),
        (AX + "test_every_control_stays_reachable_at_200_and_400_percent_zoom",),
    ),
    Rule(
        "wcag-text-spacing",
        N_("Text spacing can be widened"),
        (WCAG,),
        N_(
            "With the wider line, paragraph, letter and word spacing that WCAG 1.4.12 allows, "
            "no banner text is cut off and every control stays reachable."
        ),
        (BROWSER,),
        (AX + "test_wider_text_spacing_cuts_off_no_text_and_keeps_controls_reachable",),
    ),
    Rule(
        "wcag-reduced-motion",
        N_("Reduced motion respected"),
        (WCAG,),
        N_("When the visitor's system asks for reduced motion, the banner does not animate."),
        (BROWSER,),
        (AX + "test_reduced_motion_preference_stops_every_transition_and_animation",),
    ),
)
