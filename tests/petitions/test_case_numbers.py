"""Case numbers: the ROC date of receipt and a sequence through the ROC year."""

import pytest

from tests.factories import taipei
from tests.petitions.factories import petition

pytestmark = pytest.mark.django_db


def test_the_case_number_is_the_roc_date_and_a_six_digit_sequence():
    first = petition(received_at=taipei(2026, 11, 26, 10))
    second = petition(received_at=taipei(2026, 11, 27, 9))
    assert first.petition.item.number == "1151126-000001"
    assert second.petition.item.number == "1151127-000002"


def test_the_date_is_the_day_in_taipei_not_in_utc():
    # 07:30 in Taipei on 11/27 is still 11/26 in UTC.
    late = petition(received_at=taipei(2026, 11, 27, 7, 30))
    assert late.petition.item.number.startswith("1151127-")


def test_the_sequence_starts_again_in_a_new_roc_year():
    petition(received_at=taipei(2026, 12, 31, 10))
    new_year = petition(received_at=taipei(2027, 1, 4, 10))
    assert new_year.petition.item.number == "1160104-000001"
