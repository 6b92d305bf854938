"""The GPP string in Python (cookiegate.consent.gpp) against the examples the specification and
its reference libraries publish, both ways; e2e/test_gpp.py holds the browser's encoder to the
same examples.

Sources of the vectors:
- headers: "Header Examples" of the Consent String Specification
  (https://github.com/InteractiveAdvertisingBureau/Global-Privacy-Platform/blob/main/Core/Consent%20String%20Specification.md)
  and HeaderV1Test / GppModelTest of https://github.com/IABTechLab/iabgpp-java;
- usnat: UsNatTest of iabgpp-java and UsNat.test.ts of https://github.com/IABTechLab/iabgpp-es.
"""

from __future__ import annotations

import re
import typing as t

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cookiegate.consent import gpp

#: (section ids, the specification's bits before padding, its 6-bit-padded header, the
#: reference libraries' byte-then-6-bit-padded header).
SPEC_HEADERS = [
    ([2], "0000110000010000000000010011", "DBABM", "DBABMA"),
    ([2, 6], "000011000001000000000010001101011", "DBACNY", "DBACNYA"),
    ([5, 6], "00001100000100000000000110001111", "DBABjw", "DBABjw"),
]

#: The fields the reference tests set for "BVVVkkkkkpFY.YA".
ALL_SET: dict[str, t.Any] = {
    "SharingNotice": 1,
    "SaleOptOutNotice": 1,
    "SharingOptOutNotice": 1,
    "TargetedAdvertisingOptOutNotice": 1,
    "SensitiveDataProcessingOptOutNotice": 1,
    "SensitiveDataLimitUseNotice": 1,
    "SaleOptOut": 1,
    "SharingOptOut": 1,
    "TargetedAdvertisingOptOut": 1,
    "SensitiveDataProcessing": [2, 1, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0, 2],
    "KnownChildSensitiveDataConsents": [2, 1, 0],
    "PersonalDataConsents": 1,
    "MspaCoveredTransaction": 1,
    "MspaOptOutOptionMode": 1,
    "MspaServiceProviderMode": 2,
}
#: The reference libraries' defaults ("BAAAAAAAAABA.QA"): all 0 but MspaCoveredTransaction 1.
DEFAULTS: dict[str, t.Any] = {
    name: [0] * count if count > 1 else 0 for name, _, count in gpp.USNAT_CORE if name != "Version"
} | {"MspaCoveredTransaction": 1}


@pytest.mark.parametrize(("ids", "bits", "spec", "reference"), SPEC_HEADERS)
def test_headers_encode_to_the_published_strings_and_both_paddings_decode(
    ids: list[int], bits: str, spec: str, reference: str
) -> None:
    assert gpp.integer(3, 6) + gpp.integer(1, 6) + gpp.fibonacci_range(ids) == bits
    assert gpp.encode_header(ids) == reference
    assert gpp.decode_header(spec) == ids
    assert gpp.decode_header(reference) == ids


def test_the_usnat_header_and_the_empty_header_are_the_reference_strings() -> None:
    assert gpp.encode_header([7]) == "DBABLA"  # GppModelTest: "DBABLA~BVQqAAAAAgA.QA"
    assert gpp.encode_header([]) == "DBAA"


@pytest.mark.parametrize(
    ("n", "code"),
    [(1, "11"), (2, "011"), (3, "0011"), (4, "1011"), (5, "00011"), (6, "10011"), (7, "01011")],
)
def test_fibonacci_codes_are_the_specifications_table(n: int, code: str) -> None:
    assert gpp.fibonacci(n) == code
    assert gpp.read_fibonacci(code, 0) == (n, len(code))


@pytest.mark.parametrize(
    ("fields", "gpc", "encoded"),
    [
        (DEFAULTS, False, "BAAAAAAAAABA.QA"),
        (DEFAULTS, None, "BAAAAAAAAABA"),
        (ALL_SET, True, "BVVVkkkkkpFY.YA"),
    ],
)
def test_usnat_encodes_the_reference_vectors_and_decodes_them_back(
    fields: dict[str, t.Any], gpc: bool | None, encoded: str
) -> None:
    assert gpp.encode_usnat(fields, gpc) == encoded
    decoded = gpp.decode_usnat(encoded)
    assert decoded[0] == {"Version": 1, **fields}
    assert decoded[1:] == ([] if gpc is None else [{"SubsectionType": 1, "Gpc": gpc}])


def test_a_first_release_usnat_string_reads_with_the_later_lists_zero_filled() -> None:
    """iabgpp-java UsNatTest.testDecodeBackwardsCompatibility: 12 + 2 list entries."""
    [core] = gpp.decode_usnat("BVQqAAAACg")
    assert [
        core[k] for k in ("SharingNotice", "SaleOptOutNotice", "SensitiveDataLimitUseNotice")
    ] == [1, 1, 0]
    assert (core["SaleOptOut"], core["SharingOptOut"], core["TargetedAdvertisingOptOut"]) == (
        2,
        2,
        2,
    )
    assert core["SensitiveDataProcessing"] == [0] * 16
    assert core["KnownChildSensitiveDataConsents"] == [0, 0, 0]
    assert (core["PersonalDataConsents"], core["MspaCoveredTransaction"]) == (2, 2)
    assert (core["MspaOptOutOptionMode"], core["MspaServiceProviderMode"]) == (0, 0)


def test_a_whole_string_puts_the_header_first_and_sections_in_its_order() -> None:
    assert gpp.gpp_string([(7, "BAAAAAAAAABA.QA")]) == "DBABLA~BAAAAAAAAABA.QA"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({**DEFAULTS, "SaleOptOut": 4}, "usnat field SaleOptOut cannot hold 4"),
        ({**DEFAULTS, "KnownChildSensitiveDataConsents": [0, 0]}, "needs 3 value(s)"),
        ({k: v for k, v in DEFAULTS.items() if k != "SharingNotice"}, "SharingNotice is missing"),
        ({**DEFAULTS, "SharingNotice": True}, "cannot hold True"),
    ],
)
def test_values_the_section_cannot_hold_are_refused_by_name(
    fields: dict[str, t.Any], message: str
) -> None:
    with pytest.raises(gpp.GppError, match=re.escape(message)):
        gpp.encode_usnat(fields, False)


@pytest.mark.parametrize("text", ["z", "BVVV!", "DBAA~x", ""])
def test_garbage_is_not_decoded(text: str) -> None:
    with pytest.raises(gpp.GppError):
        gpp.decode_usnat(text)
    with pytest.raises(gpp.GppError):
        gpp.decode_header(text)


two_bits = st.integers(0, 2)


@given(
    values=st.fixed_dictionaries(
        {
            name: st.lists(two_bits, min_size=count, max_size=count) if count > 1 else two_bits
            for name, _, count in gpp.USNAT_CORE
            if name != "Version"
        }
    ),
    gpc=st.booleans(),
    ids=st.sets(st.integers(1, 60), max_size=8),
)
def test_any_section_and_header_decode_to_what_was_encoded(
    values: dict[str, t.Any], gpc: bool, ids: set[int]
) -> None:
    assert gpp.decode_usnat(gpp.encode_usnat(values, gpc)) == [
        {"Version": 1, **values},
        {"SubsectionType": 1, "Gpc": gpc},
    ]
    assert gpp.decode_header(gpp.encode_header(ids)) == sorted(ids)
