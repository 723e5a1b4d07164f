"""The demo's Open311 key: issued once, in demo mode only, and it works."""

from tests.open311.conftest import post
from yankao.open311.demo import open311_seed_for_command


def test_the_demo_prints_a_working_key_once(client, db, settings, media):
    settings.DEMO = True
    lines = open311_seed_for_command()
    key = lines[0].rsplit(" ", 1)[-1]
    assert post(client, key, description="路燈不亮", email="a@example.com").status_code == 201
    assert open311_seed_for_command() == []


def test_no_demo_key_outside_demo_mode(db, settings):
    settings.DEMO = False
    assert open311_seed_for_command() == []
