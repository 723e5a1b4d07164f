"""The mayor's policy pillars and pledges are city data: loaded from the city's
folder (five pillars, fourteen pledges in Kaohsiung's), again without duplicates,
and a pledge the file drops is kept but no longer offered."""

from pathlib import Path

import pytest

from yankao.control.loading import PledgeFileError, load_pledges, read_pledges
from yankao.control.models import Pillar, Pledge

pytestmark = pytest.mark.django_db


def test_the_city_has_five_pillars_and_fourteen_pledges():
    assert list(Pillar.objects.values_list("name", flat=True)) == [
        "首富經濟", "務實建設", "樂活社會", "國際接軌", "青年城市",
    ]  # fmt: skip
    assert Pledge.objects.filter(is_active=True).count() == 14


def test_loading_again_updates_and_retires_but_never_deletes(tmp_path: Path):
    path = tmp_path / "mayor-pledges.csv"
    path.write_text(
        "pillar_code,pillar_name,pledge_code,pledge_name\neconomy,首富經濟,P01,招商引資（修正）\n",
        encoding="utf-8",
    )
    assert load_pledges(Pillar, Pledge, path) == 1
    assert Pledge.objects.get(code="P01").name == "招商引資（修正）"
    assert Pledge.objects.count() == 14
    assert Pledge.objects.filter(is_active=True).count() == 1


def test_a_malformed_file_is_refused_with_its_line(tmp_path: Path):
    path = tmp_path / "mayor-pledges.csv"
    path.write_text(
        "pillar_code,pillar_name,pledge_code,pledge_name\neconomy,首富經濟,,名稱\n",
        encoding="utf-8",
    )
    with pytest.raises(PledgeFileError, match="line 2"):
        read_pledges(path)
