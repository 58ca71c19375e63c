"""ID numbers (GB 11643) and phone numbers as people type them."""

from __future__ import annotations

from datetime import date

import pytest

from gridgov.core.errors import InvalidInput
from gridgov.core.identifiers import id_number_clean, phone_clean


@pytest.mark.parametrize(
    ("typed", "clean"),
    [
        ("11010519491231002X", "11010519491231002X"),
        ("11010519491231002x", "11010519491231002X"),
        (" 110105 19491231 002X ", "11010519491231002X"),
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),
    ],
)
def test_valid_id_numbers_are_normalised(typed, clean):
    assert id_number_clean(typed) == clean


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "id_number_missing"),
        ("110105194912310", "id_number_length"),  # the old 15-digit form
        ("110105194912310021", "id_number_checksum"),
        ("11010519491331002X", "id_number_birth_date"),  # month 13
        ("11010518000101002X", "id_number_birth_date"),
        ("1101051949123100AX", "id_number_format"),
        ("4.50101199001011E+17", "id_number_as_number"),
    ],
)
def test_bad_id_numbers_are_refused_with_a_code(typed, code):
    with pytest.raises(InvalidInput) as caught:
        id_number_clean(typed)
    assert caught.value.code == code


def test_a_birth_date_in_the_future_is_refused():
    with pytest.raises(InvalidInput):
        id_number_clean("11010519491231002X", today=date(1949, 12, 30))


@pytest.mark.parametrize(
    ("typed", "clean"),
    [
        ("138 0000 1234", "13800001234"),
        ("+86-138-0000-1234", "13800001234"),
        ("0771-5551234", "0771-5551234"),
        ("07715551234", "0771-5551234"),
        ("010 12345678", "010-12345678"),
        ("0771-5551234转12", "0771-5551234转12"),
        ("5551234", "5551234"),
        ("", ""),
    ],
)
def test_phones_are_normalised(typed, clean):
    assert phone_clean(typed) == clean
    assert phone_clean(clean) == clean  # cleaning twice changes nothing


@pytest.mark.parametrize("typed", ["12345", "1380000123", "23800001234", "电话", "138000012345"])
def test_bad_phones_are_refused(typed):
    with pytest.raises(InvalidInput) as caught:
        phone_clean(typed)
    assert caught.value.code == "invalid_phone"
