"""The cast and the objects of the gates: one staff account per role, an API token
for each, and one object of every kind owned by agency A (the Maintenance Office of
Public Works), all made through the real services.

Agency A is `pw-maintenance`; agency B, another agency's handler is from, is the
Fengshan district office: the two share no part of their trees."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from tests import factories
from tests.control import factories as control
from tests.dispatch.factories import ticket as make_ticket
from tests.factories import taipei
from tests.hotline.factories import call as make_call
from tests.knowledge.conftest import fields as article_fields
from tests.legal import factories as legal
from tests.petitions.factories import petition as make_petition
from tests.petitions.files import png, upload
from yankao.accounts.models import User
from yankao.accounts.roles import Role
from yankao.accounts.services import token_create
from yankao.control.models import Milestone, Programme, ProgressReport
from yankao.core import clock
from yankao.core.uploads import check_file
from yankao.dispatch.models import Ticket, TicketPhoto
from yankao.hotline.models import Call
from yankao.knowledge import services as knowledge
from yankao.knowledge.models import Article
from yankao.legal.models import Booking, Session, Venue
from yankao.legal.services import venues_load
from yankao.open311.services import IssuedKey, client_create
from yankao.petitions.models import Category, Petition, PetitionAttachment, PetitionRating
from yankao.petitions.services import MAILBOX_SALT, mailbox_submit, petition_rate
from yankao.tracking import services as tracking

AGENCY_A = "pw-maintenance"
AGENCY_B = "district-fengshan"

# The matrix's columns that are staff accounts: username, role, agency.
STAFF: dict[str, tuple[str, str, str]] = {
    "agent": ("amy", Role.AGENT, "rdec"),
    "handler_a": ("holly", Role.HANDLER, AGENCY_A),
    "supervisor_a": ("sam", Role.SUPERVISOR, AGENCY_A),
    "handler_b": ("dora", Role.HANDLER, AGENCY_B),
    "controller": ("connie", Role.CONTROLLER, "rdec"),
    "inspector": ("ivan", Role.INSPECTOR, "rdec"),
    "mayor": ("mia", Role.MAYOR_VIEWER, "secretariat"),
    "admin": ("ada", Role.ADMIN, "rdec"),
    # The telephony system's account: it holds a token and never signs in.
    "system": ("cti", Role.SYSTEM, "rdec"),
}


def cast_create() -> dict[str, User]:
    users = {column: factories.user(*account) for column, account in STAFF.items()}
    admin = users["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    return users


@dataclass
class AgencyA:
    """One object of every kind the routes take an id of, owned by agency A where
    objects have an owner, and the secrets a citizen holds for them."""

    petition: Petition
    petition_code: str
    attachment: PetitionAttachment
    rated: PetitionRating
    ticket: Ticket
    photo: TicketPhoto
    article: Article
    call: Call
    venue: Venue
    session: Session
    booking: Booking
    booking_code: str
    waiting: Booking
    waiting_code: str
    waiting_confirmation: str
    mailbox_token: str
    queued_number: str
    open311_key: IssuedKey
    open311_request: str
    open311_token: str
    programme: Programme
    milestone: Milestone
    report: ProgressReport


def _picture() -> Any:
    return check_file(upload("place.png", png(), "image/png"))


def _article(users: dict[str, User]) -> Article:
    article = knowledge.article_create(
        by=users["handler_a"],
        owner=factories.agency(AGENCY_A),
        fields=article_fields("路面坑洞多久修補？", "養工處接獲通報後4小時內派員修補坑洞。"),
    )
    return knowledge.article_approve(article=article, by=users["supervisor_a"])


def _rated(users: dict[str, User]) -> PetitionRating:
    closed_at = taipei(2026, 11, 20, 15)
    registered = make_petition(received_at=closed_at - timedelta(days=2), by=users["agent"])
    with clock.frozen(closed_at):
        tracking.item_close(item=registered.petition.item, by=users["controller"], reason="已修復")
    with clock.frozen(closed_at + timedelta(hours=1)):
        return petition_rate(petition=registered.petition, score=4, comment="處理迅速")


def _mailbox_token() -> str:
    draft = mailbox_submit(
        data={
            "category": Category.objects.get(code="0103").pk,
            "district": None,
            "subject": "路燈不亮",
            "content": "光復路二段路燈不亮。",
            "address": "",
            "latitude": None,
            "longitude": None,
            "name": "林美玲",
            "phone": "",
            "language": "zh-hant",
        },
        email="citizen@example.org",
    )
    return signing.dumps({"d": draft.pk, "n": draft.nonce}, salt=MAILBOX_SALT)


def _queued(agent: User) -> str:
    body = {
        "channel": "phone",
        "category": "0103",
        "subject": "路燈不亮",
        "content": "光復路二段路燈不亮。",
        "petitioner_phone": "0912-345-678",
    }
    response = Client().post(
        "/api/v1/petitions",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_create(user=agent, name='queue').raw}"},
        HTTP_PREFER="respond-async",
    )
    assert response.status_code == 202, response.content
    return str(response.json()["number"])


def _open311_request(key: IssuedKey) -> tuple[str, str]:
    response = Client().post(
        "/open311/v2/requests.json",
        {
            "api_key": key.raw,
            "service_code": "P-0103",
            "lat": "22.627",
            "long": "120.301",
            "description": "路燈不亮",
            "attribute[subject]": "路燈不亮",
        },
    )
    assert response.status_code == 201, response.content
    created = response.json()[0]
    return created["service_request_id"], created["token"]


def _programme(handler: User) -> tuple[Programme, Milestone, ProgressReport]:
    """A 2026 programme of agency A, registered by its handler in December 2025,
    with a milestone planned for the end of March and February reported (on plan)
    in November, as the control tests make them."""
    programme = control.programme(by=handler, owner=AGENCY_A, title="市區路面平整計畫")
    milestone = control.milestone(programme, by=handler, planned=date(2026, 3, 31))
    report = control.report(programme, by=handler, month=date(2026, 2, 1), actual=10)
    return programme, milestone, report


def agency_a_create(users: dict[str, User]) -> AgencyA:
    registered = make_petition(by=users["agent"], attachments=(_picture(),))
    ticket = make_ticket(by=users["agent"], photos=(_picture(),))
    for made in (registered.petition.item, ticket.item):
        assert made.owner_agency.key == AGENCY_A, made.owner_agency.key
    venues_load()
    venue = Venue.objects.get(key="service-centre")
    # A week ahead: open for booking on every channel whatever day the suite runs.
    day = timezone.localdate() + timedelta(days=7)
    session = legal.session(venue, day, lawyer=legal.lawyer())
    booked = legal.booking(session, at=clock.now())
    # A web booking still waiting for the code sent to the citizen.
    waiting = legal.booking(session, slot=2, at=clock.now(), confirm=False)
    assert waiting.confirmation, "a web booking waits for its code"
    programme, milestone, report = _programme(users["handler_a"])
    key = client_create(name="gates app", rate_per_minute=100_000)
    request_id, request_token = _open311_request(key)
    return AgencyA(
        petition=registered.petition,
        petition_code=registered.code,
        attachment=registered.petition.attachments.get(),
        rated=_rated(users),
        ticket=ticket,
        photo=ticket.photos.get(),
        article=_article(users),
        call=make_call(users["agent"]),
        venue=venue,
        session=session,
        booking=booked.booking,
        booking_code=booked.code,
        waiting=waiting.booking,
        waiting_code=waiting.code,
        waiting_confirmation=waiting.confirmation,
        mailbox_token=_mailbox_token(),
        queued_number=_queued(users["agent"]),
        open311_key=key,
        open311_request=request_id,
        open311_token=request_token,
        programme=programme,
        milestone=milestone,
        report=report,
    )


@pytest.fixture
def files_folder(settings, tmp_path):
    """Stored files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "files"
    return settings.MEDIA_ROOT


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    """Rate counts live in the cache, which outlives each test's transaction."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cast(db) -> dict[str, User]:
    return cast_create()


@pytest.fixture
def agency_a(cast, files_folder, fresh_cache) -> AgencyA:
    return agency_a_create(cast)


@pytest.fixture
def tokens(cast) -> dict[str, str]:
    """A bearer token for every staff column."""
    return {column: token_create(user=user, name="gates").raw for column, user in cast.items()}
