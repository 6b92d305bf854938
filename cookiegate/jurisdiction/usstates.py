"""US states with a comprehensive consumer privacy law: the ``opt_out`` regime's places.

Each of these laws gives residents the right to opt out of the sale of their
personal data and of targeted advertising (California: "sale or sharing"),
which is what the ``opt_out`` regime implements. A row's ``source`` is where
its effective date was checked. ``verified`` is True when that source is the
state's own (statute, attorney general or legislature); False marks rows
whose date comes from a secondary summary only and awaits a check against
the official text: do not cite those as law.
"""

from __future__ import annotations

import typing as t
from datetime import date


class StateLaw(t.NamedTuple):
    """One state's comprehensive privacy law."""

    #: ISO 3166-2 code, ``US-CA``.
    place: str
    state: str
    law: str
    #: The day its duties began to apply.
    effective: date
    source: str
    #: The source is the state's own; False: a secondary summary only.
    verified: bool


_SUMMARY = "https://www.metaverselaw.com/category/california/page/4/"

#: In order of effective date.
STATE_LAWS: tuple[StateLaw, ...] = (
    StateLaw(
        "US-CA",
        "California",
        "California Consumer Privacy Act (as amended by the CPRA)",
        date(2020, 1, 1),
        _SUMMARY,
        False,
    ),
    StateLaw(
        "US-VA",
        "Virginia",
        "Consumer Data Protection Act (Va. Code 59.1-575 et seq.)",
        date(2023, 1, 1),
        "https://law.uslawyerdatabase.com/category/us-law/2022-code-of-virginia/"
        "title-59-1-trade-and-commerce/chapter-53-consumer-data-protection-act",
        False,
    ),
    StateLaw(
        "US-CO",
        "Colorado",
        "Colorado Privacy Act",
        date(2023, 7, 1),
        "https://coag.gov/press-releases/attorney-general-phil-weiser-reminds-coloradans-of-new"
        "-data-privacy-rights-responsibilities",
        True,
    ),
    StateLaw(
        "US-CT",
        "Connecticut",
        "Connecticut Data Privacy Act",
        date(2023, 7, 1),
        "https://portal.ct.gov/ag/press-releases/2023-press-releases/ag-tong-advises-connecticut"
        "-consumers-of-upcoming-rights-under-the-connecticut-data-privacy-act",
        True,
    ),
    StateLaw(
        "US-UT",
        "Utah",
        "Utah Consumer Privacy Act",
        date(2023, 12, 31),
        _SUMMARY,
        False,
    ),
    StateLaw(
        "US-TX",
        "Texas",
        "Texas Data Privacy and Security Act (Bus. & Com. Code ch. 541)",
        date(2024, 7, 1),
        "https://roastidio.us/webspace/8323985",
        False,
    ),
    StateLaw(
        "US-OR",
        "Oregon",
        "Oregon Consumer Privacy Act (ORS 646A.570-646A.589)",
        date(2024, 7, 1),
        "https://www.doj.state.or.us/media-home/news-media-releases/faq_category/"
        "business-privacy-faqs/",
        True,
    ),
    StateLaw(
        "US-MT",
        "Montana",
        "Montana Consumer Data Privacy Act",
        date(2024, 10, 1),
        _SUMMARY,
        False,
    ),
    StateLaw(
        "US-IA",
        "Iowa",
        "Iowa Consumer Data Protection Act",
        date(2025, 1, 1),
        _SUMMARY,
        False,
    ),
    StateLaw(
        "US-DE",
        "Delaware",
        "Delaware Personal Data Privacy Act",
        date(2025, 1, 1),
        _SUMMARY,
        False,
    ),
    StateLaw(
        "US-NE",
        "Nebraska",
        "Nebraska Data Privacy Act",
        date(2025, 1, 1),
        _SUMMARY,
        False,
    ),
    StateLaw(
        "US-NH",
        "New Hampshire",
        "New Hampshire privacy act (RSA 507-H)",
        date(2025, 1, 1),
        _SUMMARY,
        False,
    ),
    StateLaw(
        "US-NJ",
        "New Jersey",
        "New Jersey Data Protection Act (N.J. Stat. 56:8-166.4)",
        date(2025, 1, 15),
        "https://natlawreview.com/article/frequently-asked-questions-about-new-jersey-data"
        "-protection-act-effective-january",
        False,
    ),
    StateLaw(
        "US-TN",
        "Tennessee",
        "Tennessee Information Protection Act",
        date(2025, 7, 1),
        "https://www.clarksvilleonline.com/2025/05/01/tn-attorney-generals-office-provides"
        "-helpful-tips-and-guidelines-to-businesses-and-consumers-regarding-tennessee"
        "-information-protection-act/",
        False,
    ),
    StateLaw(
        "US-MN",
        "Minnesota",
        "Minnesota Consumer Data Privacy Act",
        date(2025, 7, 31),
        "https://ag.state.mn.us/Office/Communications/2025/07/28_MCDPA.asp",
        True,
    ),
    StateLaw(
        "US-MD",
        "Maryland",
        "Maryland Online Data Privacy Act",
        date(2025, 10, 1),
        "https://privacylawmap.com/states/maryland",
        False,
    ),
    StateLaw(
        "US-IN",
        "Indiana",
        "Indiana Consumer Data Protection Act",
        date(2026, 1, 1),
        _SUMMARY,
        False,
    ),
    StateLaw(
        "US-KY",
        "Kentucky",
        "Kentucky Consumer Data Protection Act",
        date(2026, 1, 1),
        _SUMMARY,
        False,
    ),
    StateLaw(
        "US-RI",
        "Rhode Island",
        "Rhode Island Data Transparency and Privacy Protection Act",
        date(2026, 1, 1),
        _SUMMARY,
        False,
    ),
)

#: The group name a site config uses for every state above.
GROUP = "US-PRIVACY-LAW-STATES"


def states_in_force(on: date) -> frozenset[str]:
    """Place codes of the states whose law applies on day ``on``."""
    return frozenset(row.place for row in STATE_LAWS if row.effective <= on)
