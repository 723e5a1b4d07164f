"""The shipped city file, and loading one."""

import pytest

from yankao.organisation.models import Agency, AgencyLevel, District
from yankao.organisation.services import AgencyFileError, agencies_load

pytestmark = pytest.mark.django_db


def test_kaohsiung_has_38_district_offices_each_serving_its_district():
    offices = Agency.objects.filter(level=AgencyLevel.DISTRICT)
    assert offices.count() == 38
    assert District.objects.count() == 38
    fengshan = District.objects.get(name="鳳山區")
    assert fengshan.office.name == "高雄市鳳山區公所"
    assert fengshan.office.code == "397620000A"


def test_agency_paths_put_sub_agencies_under_their_bureau():
    maintenance = Agency.objects.get(key="pw-maintenance")
    works = Agency.objects.get(key="public-works")
    assert maintenance.parent == works
    assert maintenance.path.startswith(works.path)
    assert works.path == "/kcg/public-works/"


def test_official_codes_are_those_of_the_city(db):
    assert Agency.objects.get(key="rdec").code == "397220000A"
    assert Agency.objects.get(key="public-works").code == "397110000G"


def test_a_file_with_a_child_before_its_parent_is_refused(tmp_path):
    path = tmp_path / "agencies.csv"
    path.write_text(
        "key,code,name,short_name,name_en,level,parent_key\n"
        "child,,子機關,子,Child,agency,parent\n"
        "parent,,母機關,母,Parent,bureau,\n",
        encoding="utf-8",
    )
    with pytest.raises(AgencyFileError, match="parent"):
        agencies_load(path=path)
    assert not Agency.objects.filter(key="child").exists()


def test_loading_again_updates_names_without_duplicating(tmp_path):
    before = Agency.objects.count()
    path = tmp_path / "agencies.csv"
    path.write_text(
        "key,code,name,short_name,name_en,level,parent_key\n"
        "kcg,397000000A,高雄市政府,市府,Kaohsiung City Government,city,\n"
        "rdec,397220000A,高雄市政府研究發展考核委員會,研考會新名,RDEC,bureau,kcg\n",
        encoding="utf-8",
    )
    result = agencies_load(path=path)
    assert (result.created, result.updated) == (0, 2)
    assert Agency.objects.count() == before
    assert Agency.objects.get(key="rdec").short_name == "研考會新名"
