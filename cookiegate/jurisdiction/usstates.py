"""US states with a comprehensive consumer privacy law: the ``opt_out`` regime's places.

Each of these laws gives residents the right to opt out of the sale of their
personal data and of targeted advertising (California: "sale or sharing"),
which is what the ``opt_out`` regime implements. Not all of them require a
business to honour a browser's opt-out preference signal (Global Privacy
Control); the regime honours GPC everywhere, which every law allows
(docs/jurisdictions.md lists which laws require it).

A row's ``source`` is the page its effective date was read on. ``verified`` is
True only when that page is the state's own (its legislature's bill or statute
page, its attorney general or department of justice) and the date was read
there; False marks rows whose date comes from secondary pages only (law-firm
or news summaries, which agree with each other): do not cite those as law.
Checked 2026-12-03 (session 25). Laws in force after 2026 (Oklahoma's SB 546,
2027-01-01) are not listed: :func:`states_in_force` would not count them yet,
and their dates were not checked.
"""

from __future__ import annotations

import typing as t
from datetime import date


class StateLaw(t.NamedTuple):
    """One state's comprehensive privacy law."""

    #: ISO 3166-2 code, ``US-CA``.
    place: str
    state: str
    #: The law's name and its statute (or, where the code section was not checked, its bill).
    law: str
    #: The day its duties began to apply.
    effective: date
    #: Where ``effective`` was read.
    source: str
    #: ``source`` is the state's own page; False: secondary summaries only.
    verified: bool


#: In order of effective date.
STATE_LAWS: tuple[StateLaw, ...] = (
    StateLaw(
        "US-CA",
        "California",
        "California Consumer Privacy Act (Cal. Civ. Code 1798.100 et seq.; CPRA"
        " amendments from 2023-01-01)",
        date(2020, 1, 1),
        "https://www.oag.ca.gov/news/press-releases/attorney-general-becerra-issues-advisory-ou"
        "tlining-new-data-privacy-rights",
        True,
    ),
    StateLaw(
        "US-VA",
        "Virginia",
        "Consumer Data Protection Act (Va. Code 59.1-575 et seq.)",
        date(2023, 1, 1),
        "https://law.uslawyerdatabase.com/category/us-law/2022-code-of-virginia/title-59-1-trad"
        "e-and-commerce/chapter-53-consumer-data-protection-act",
        False,
    ),
    StateLaw(
        "US-CO",
        "Colorado",
        "Colorado Privacy Act (C.R.S. 6-1-1301 et seq.)",
        date(2023, 7, 1),
        "https://coag.gov/press-releases/attorney-general-phil-weiser-reminds-coloradans-of-new"
        "-data-privacy-rights-responsibilities",
        True,
    ),
    StateLaw(
        "US-CT",
        "Connecticut",
        "Connecticut Data Privacy Act (Conn. Gen. Stat. 42-515 et seq.)",
        date(2023, 7, 1),
        "https://portal.ct.gov/ag/press-releases/2023-press-releases/ag-tong-advises-connecticu"
        "t-consumers-of-upcoming-rights-under-the-connecticut-data-privacy-act",
        True,
    ),
    StateLaw(
        "US-UT",
        "Utah",
        "Utah Consumer Privacy Act (Utah Code 13-61-101 et seq.)",
        date(2023, 12, 31),
        "https://www.einpresswire.com/article/679831044/news-alert-important-new-protections-on"
        "-personal-data-go-into-effect-for-utah-consumers",
        False,
    ),
    StateLaw(
        "US-TX",
        "Texas",
        "Texas Data Privacy and Security Act (Tex. Bus. & Com. Code ch. 541)",
        date(2024, 7, 1),
        "https://texasattorneygeneral.gov/consumer-protection/file-consumer-complaint/consumer-"
        "privacy-rights/texas-data-privacy-and-security-act",
        True,
    ),
    StateLaw(
        "US-OR",
        "Oregon",
        "Oregon Consumer Privacy Act (ORS 646A.570-646A.589)",
        date(2024, 7, 1),
        "https://www.doj.state.or.us/media-home/news-media-releases/faq_category/business-priva"
        "cy-faqs/",
        True,
    ),
    StateLaw(
        "US-MT",
        "Montana",
        "Montana Consumer Data Privacy Act (Mont. Code Ann. 30-14-2801 et seq.; SB 297, 2025)",
        date(2024, 10, 1),
        "https://www.privacyworld.blog/2023/06/montanas-comprehensive-privacy-law-signed-by-the"
        "-governor/",
        False,
    ),
    StateLaw(
        "US-IA",
        "Iowa",
        "Iowa Consumer Data Protection Act (Iowa Code ch. 715D)",
        date(2025, 1, 1),
        "https://insightplus.bakermckenzie.com/bm/data-technology/united-states-iowa-consumer-d"
        "ata-protection-act-takes-effect-in-2025",
        False,
    ),
    StateLaw(
        "US-DE",
        "Delaware",
        "Delaware Personal Data Privacy Act (6 Del. C. ch. 12D)",
        date(2025, 1, 1),
        "https://www.wgmd.com/new-personal-data-privacy-rights-available-to-delawareans/",
        False,
    ),
    StateLaw(
        "US-NE",
        "Nebraska",
        "Nebraska Data Privacy Act (Neb. Rev. Stat. 87-1101 et seq.)",
        date(2025, 1, 1),
        "https://www.dataguidance.com/jurisdiction/nebraska",
        False,
    ),
    StateLaw(
        "US-NH",
        "New Hampshire",
        "New Hampshire Data Privacy Act (RSA 507-H)",
        date(2025, 1, 1),
        "https://www.doj.nh.gov/data-privacy-enforcement",
        True,
    ),
    StateLaw(
        "US-NJ",
        "New Jersey",
        "New Jersey Data Privacy Law (P.L. 2023, c. 266; N.J. Stat. 56:8-166.4 et seq.)",
        date(2025, 1, 15),
        "https://njconsumeraffairs.gov/ocp/Pages/NJ-Data-Privacy-Law-FAQ.aspx",
        True,
    ),
    StateLaw(
        "US-TN",
        "Tennessee",
        "Tennessee Information Protection Act (Tenn. Code 47-18-3201 et seq.)",
        date(2025, 7, 1),
        "https://www.clarksvilleonline.com/2025/05/01/tn-attorney-generals-office-provides-help"
        "ful-tips-and-guidelines-to-businesses-and-consumers-regarding-tennessee-information-pr"
        "otection-act/",
        False,
    ),
    StateLaw(
        "US-MN",
        "Minnesota",
        "Minnesota Consumer Data Privacy Act (Minn. Stat. ch. 325M)",
        date(2025, 7, 31),
        "https://ag.state.mn.us/Office/Communications/2025/07/28_MCDPA.asp",
        True,
    ),
    StateLaw(
        "US-MD",
        "Maryland",
        "Maryland Online Data Privacy Act (SB 541, 2024)",
        date(2025, 10, 1),
        "https://epic.org/maryland-online-data-privacy-act-comes-into-effect/",
        False,
    ),
    StateLaw(
        "US-IN",
        "Indiana",
        "Indiana Consumer Data Protection Act (Ind. Code 24-15)",
        date(2026, 1, 1),
        "https://legacy.dataguidance.com/jurisdiction/indiana",
        False,
    ),
    StateLaw(
        "US-KY",
        "Kentucky",
        "Kentucky Consumer Data Protection Act (HB 15, 2024 Acts ch. 72)",
        date(2026, 1, 1),
        "https://apps.legislature.ky.gov/record/24rs/hb15.html",
        True,
    ),
    StateLaw(
        "US-RI",
        "Rhode Island",
        "Rhode Island Data Transparency and Privacy Protection Act (R.I. Gen. Laws ch. 6-48.1)",
        date(2026, 1, 1),
        # Read at webserver.rilin.state.ri.us, the legislature's older host name for the same
        # page (served over plain http there).
        "https://webserver.rilegislature.gov/Statutes/TITLE6/6-48.1/6-48.1-4.htm",
        True,
    ),
)

#: The group name a site config uses for every state above.
GROUP = "US-PRIVACY-LAW-STATES"


def states_in_force(on: date) -> frozenset[str]:
    """Place codes of the states whose law applies on day ``on``."""
    return frozenset(row.place for row in STATE_LAWS if row.effective <= on)
