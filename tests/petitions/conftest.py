import pytest


@pytest.fixture(autouse=True)
def petition_reference(db):
    """The categories come with the migrations; the routing rules need the city's
    agencies, which the test database gets after migrating, so load them here."""
    from yankao.petitions.services import petition_reference_load

    return petition_reference_load()
