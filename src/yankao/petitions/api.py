"""Petitions on the JSON API: registering one (with an optional Idempotency-Key),
the list and a petition, scoped exactly as the pages are, and the workflow actions
through the tracked items' own action endpoint. Personal data is always masked."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Annotated, Any

from django import forms
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Body, Field, Query, Router, Schema
from ninja.responses import Status as HttpStatus
from pydantic import WithJsonSchema

from yankao.accounts.models import User
from yankao.accounts.roles import Capability
from yankao.calendar.parsing import ApiDay
from yankao.calendar.roc import format_roc_short
from yankao.core import clock, masking
from yankao.core.api import CURSOR_DESCRIPTION, ApiProblem, Text, choices_schema, keyset_page
from yankao.core.forms import fields_shared
from yankao.core.idempotency import Outcome, respond_once
from yankao.core.taipei import TAIPEI, to_taipei
from yankao.organisation.models import Agency, District
from yankao.organisation.reference import organisation
from yankao.petitions.forms import CategoryField, IntakeForm, PetitionFieldsForm
from yankao.petitions.intake import intake_data, petition_intake_queue
from yankao.petitions.models import (
    Category,
    Channel,
    IntakeState,
    Petition,
    PetitionIntake,
    PetitionRating,
)
from yankao.petitions.reference_cache import reference
from yankao.petitions.selectors import (
    petition_for_user,
    petitions_visible_to,
    ratings_visible_to,
)
from yankao.petitions.services import PetitionError, petition_create
from yankao.tracking.api import (
    MAX_PAGE,
    AgencyRef,
    EventOut,
    ItemOut,
    api_user,
    get_item,
    item_out,
)
from yankao.tracking.api import act as item_act
from yankao.tracking.models import Status, overdue_q

router = Router(tags=["petitions"])

MAY_NOT_CREATE = _("Your role may not register petitions.")
NOT_ROUTED = _("No agency is set to handle this category.")
NO_SUCH_QUEUED = _("No queued petition with this number is yours to see.")
FIELDS_INVALID = _("The petition's fields are not valid.")


# --- input ----------------------------------------------------------------------------------


class PetitionIn(Schema):
    channel: Text = Field(..., description="One of: " + ", ".join(Channel.values) + ".")
    category: Text = Field(..., description="Sub-category code, e.g. `0103`.")
    subject: Text
    content: Text
    district: Text | None = Field(None, description="District key, e.g. `fengshan`.")
    address: Text = ""
    latitude: float | None = None
    longitude: float | None = None
    petitioner_name: Text = ""
    petitioner_email: Text = ""
    petitioner_phone: Text = ""
    anonymous: bool = False


class CategoryCodeField(CategoryField):
    """The category by its code (`0103`), as other systems know it: the same active
    sub-categories the intake page offers, from the reference snapshot."""

    def load_choices(self, *, codes: bool = True) -> None:
        """No choices to list: the code is looked up in the snapshot."""

    def clean(self, value: Any) -> Category:
        code = str(value or "").strip()
        if not code:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        category = reference().categories.get(code)
        if category is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid")
        return category


class DistrictKeyField(forms.Field):
    """The district by its key (`fengshan`), from the same reference snapshot."""

    default_error_messages = {"invalid_choice": _("Choose one of the listed districts.")}

    def clean(self, value: Any) -> District | None:
        key = str(value or "").strip()
        if not key:
            return None
        district = organisation().districts.get(key)
        if district is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid")
        return district


@fields_shared  # validated on every create, never rendered
class ApiIntakeForm(IntakeForm):
    """The staff intake's fields and rules, with the category and district named by
    code and key, any channel, and the place's coordinates. Files and postal
    addresses are not taken through JSON."""

    channel = forms.ChoiceField(
        choices=Channel.choices, error_messages={"invalid_choice": _("Unknown channel.")}
    )
    category = CategoryCodeField(
        error_messages=PetitionFieldsForm.base_fields["category"].error_messages
    )
    district = DistrictKeyField(  # type: ignore[assignment]  # by key, not a queryset
        required=False, error_messages=PetitionFieldsForm.base_fields["district"].error_messages
    )

    # Not taken through JSON; declared away so that no request copies them.
    attachments = None  # type: ignore[assignment]
    postal_address = None  # type: ignore[assignment]


# The API's names for the form's fields.
_FORM_FIELD = {"name": "petitioner_name", "email": "petitioner_email", "phone": "petitioner_phone"}


def _form_data(payload: PetitionIn) -> dict[str, Any]:
    data = payload.model_dump()
    for form_name, api_name in _FORM_FIELD.items():
        data[form_name] = data.pop(api_name)
    data["district"] = data["district"] or ""
    for place in ("latitude", "longitude"):
        data[place] = "" if data[place] is None else str(data[place])
    return data


def _invalid(form: forms.Form) -> ApiProblem:
    errors = [
        {"location": ["body", _FORM_FIELD.get(field, field)], "message": str(message)}
        for field, messages in form.errors.items()
        for message in messages
    ]
    detail = "; ".join(f"{e['location'][1]}: {e['message']}" for e in errors)
    return ApiProblem(400, detail or str(FIELDS_INVALID), errors=errors)


# --- output ---------------------------------------------------------------------------------


class CategoryRef(Schema):
    code: str
    name: str


class DistrictRef(Schema):
    key: str
    name: str


class PetitionerOut(Schema):
    name: str
    email: str
    phone: str


class PetitionOut(ItemOut):
    subject: str
    channel: str
    category: CategoryRef
    district: DistrictRef | None
    disposition: str
    due_date_roc: str = Field(..., description="The due day in the ROC calendar (115/12/04).")
    anonymous: bool
    published: bool = Field(
        ...,
        description=(
            "Listed in the public Open311 list, as the petitioner chose (an Open311 post "
            "or the mailbox's box); never set through this API, whatever the channel."
        ),
    )
    petitioner: PetitionerOut = Field(..., description="Masked: 李○明, a○○○@example.com.")


class PetitionDetailOut(PetitionOut):
    content: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    allowed_actions: list[str]
    history: list[EventOut]


class PetitionPage(Schema):
    items: list[PetitionOut]
    next_cursor: str | None = Field(None, description=CURSOR_DESCRIPTION)


class PetitionCreatedOut(Schema):
    id: int
    number: str
    verification_code: str = Field(
        ..., description="Shown in this response only; the petitioner needs it to track."
    )
    owner_agency: AgencyRef
    status: str
    disposition: str = Field(..., description="Not `normal`: registered and closed at once.")
    due_at: datetime
    due_date: date = Field(..., description="The due day, Asia/Taipei.")
    due_date_roc: str = Field(..., description="The due day in the ROC calendar (115/12/04).")


class PetitionQueuedOut(Schema):
    number: str
    verification_code: str = Field(
        ..., description="Shown in this response only; the petitioner needs it to track."
    )
    state: str = Field(..., description="`queued`: to be registered within moments.")
    received_at: datetime
    status_url: str


class PetitionQueuedStateOut(Schema):
    number: str
    state: str = Field(..., description="`queued`, `registered` or `failed`.")
    received_at: datetime
    registered_at: datetime | None
    petition_id: int | None = Field(None, description="The petition, once registered.")
    error: str = Field("", description="Why it could not be registered (when failed).")


def _masked(petition: Petition) -> dict[str, str]:
    return {
        "name": masking.mask_name(petition.petitioner_name),
        "email": masking.mask_email(petition.petitioner_email),
        "phone": masking.mask_phone(petition.petitioner_phone),
    }


def _petition_out(petition: Petition, now: datetime) -> dict[str, Any]:
    item = petition.item
    district = petition.district
    return {
        **item_out(item, now),
        "subject": petition.subject,
        "channel": petition.channel,
        "category": {"code": petition.category.code, "name": petition.category.name},
        "district": {"key": district.key, "name": district.name} if district else None,
        "disposition": petition.disposition,
        "due_date_roc": format_roc_short(item.due_at),
        "anonymous": petition.anonymous,
        "published": petition.published,
        "petitioner": _masked(petition),
    }


def _created(petition: Petition, code: str) -> dict[str, Any]:
    item = petition.item
    agency = item.owner_agency
    created = PetitionCreatedOut(
        id=petition.pk,
        number=item.number,
        verification_code=code,
        owner_agency=AgencyRef(key=agency.key, name=agency.name),
        status=item.status,
        disposition=petition.disposition,
        due_at=item.due_at,
        due_date=to_taipei(item.due_at).date(),
        due_date_roc=format_roc_short(item.due_at),
    )
    return created.model_dump(mode="json")


# --- endpoints ------------------------------------------------------------------------------


PetitionChannel = Annotated[Channel, WithJsonSchema(choices_schema(Channel, "PetitionChannel"))]


class PetitionFilters(Schema):
    status: Status | None = None
    category: Text | None = Field(
        None, max_length=10, description="Category code; a main category finds its sub-items."
    )
    district: Text | None = Field(None, max_length=40, description="District key.")
    channel: PetitionChannel | None = None
    overdue: bool | None = None
    q: Text | None = Field(None, max_length=100, description="Text in the number or subject.")
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=MAX_PAGE)


# Soonest deadline first, as the worklist.
PETITION_ORDER = ("item__due_at", "pk")


@router.get(
    "",
    response=PetitionPage,
    summary="List the petitions you may see",
    description="Soonest deadline first (then by id). Page with `next_cursor`.",
)
def list_petitions(request: HttpRequest, filters: Query[PetitionFilters]) -> dict[str, Any]:
    now = clock.now()
    petitions = petitions_visible_to(api_user(request)).select_related(
        "item__owner_agency", "category", "district"
    )
    if filters.status:
        petitions = petitions.filter(item__status=filters.status)
    if filters.category:
        petitions = petitions.filter(
            Q(category__code=filters.category) | Q(category__parent__code=filters.category)
        )
    if filters.district:
        petitions = petitions.filter(district__key=filters.district)
    if filters.channel:
        petitions = petitions.filter(channel=filters.channel)
    if filters.overdue:
        petitions = petitions.filter(overdue_q(prefix="item__"))
    if filters.q:
        text = filters.q.strip()
        petitions = petitions.filter(Q(item__number__icontains=text) | Q(subject__icontains=text))
    page = keyset_page(
        petitions, ordering=PETITION_ORDER, cursor=filters.cursor, limit=filters.limit
    )
    return {
        "items": [_petition_out(petition, now) for petition in page.rows],
        "next_cursor": page.next_cursor,
    }


def _validated(payload: PetitionIn) -> dict[str, Any]:
    form = ApiIntakeForm(_form_data(payload))
    if not form.is_valid():
        raise _invalid(form)
    return form.cleaned_data


def _register(user: User, payload: PetitionIn) -> Outcome:
    data = _validated(payload)
    try:
        registered = petition_create(
            channel=data["channel"],
            category=data["category"],
            subject=data["subject"],
            content=data["content"],
            district=data["district"],
            address=data["address"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            petitioner_name=data["name"],
            petitioner_email=data["email"],
            petitioner_phone=data["phone"],
            anonymous=data["anonymous"],
            by=user,
        )
    except PetitionError as error:
        raise ApiProblem(400, str(error)) from error
    return Outcome(
        status=201,
        body=_created(registered.petition, registered.code),
        sealed=("verification_code",),
    )


def _queue(user: User, payload: PetitionIn) -> Outcome:
    data = _validated(payload)
    # Refuse now what the worker could not register: a category no agency handles.
    if reference().route(data["category"], data["district"]) is None:
        raise ApiProblem(400, str(NOT_ROUTED))
    queued = petition_intake_queue(data=intake_data(data), by=user)
    intake = queued.intake
    body = PetitionQueuedOut(
        number=intake.number,
        verification_code=queued.code,
        state=intake.state,
        received_at=intake.received_at,
        status_url=reverse("api_v1:petition_queued", kwargs={"number": intake.number}),
    )
    return Outcome(status=202, body=body.model_dump(mode="json"), sealed=("verification_code",))


def prefers_async(request: HttpRequest) -> bool:
    """Whether the request's `Prefer` header (RFC 7240) asks for `respond-async`."""
    for preference in request.headers.get("Prefer", "").split(","):
        token = preference.split(";", 1)[0].split("=", 1)[0].strip()
        if token.lower() == "respond-async":
            return True
    return False


@router.post(
    "",
    response={201: PetitionCreatedOut, 202: PetitionQueuedOut},
    summary="Register a petition",
    description=(
        "For staff and system accounts that may register items. Send an "
        "`Idempotency-Key` header (1–255 visible ASCII characters, new for each "
        "petition) to make a resend safe: the same key with the same body answers the "
        "first response again, with `Idempotent-Replayed: true`; the same key with "
        "another body answers 422. Keys are kept for 24 hours.\n\n"
        "With `Prefer: respond-async` (RFC 7240) the petition is validated and "
        "answered at once with 202, its case number and verification code, and "
        "registered by a worker moments later (routing, deadline, notices); "
        "`Location` names where to follow it. Meant for systems that send in volume."
    ),
)
def create_petition(
    request: HttpRequest, response: HttpResponse, payload: PetitionIn
) -> HttpStatus[Any]:
    user = api_user(request)
    if not user.has_capability(Capability.ITEM_CREATE):
        raise ApiProblem(403, str(MAY_NOT_CREATE))
    response["Cache-Control"] = "no-store"  # the verification code is in the body
    if prefers_async(request):
        answer = respond_once(request, response, user=user, operation=lambda: _queue(user, payload))
    else:
        answer = respond_once(
            request, response, user=user, operation=lambda: _register(user, payload)
        )
    if answer.status_code == 202:
        response["Preference-Applied"] = "respond-async"
        response["Location"] = answer.value["status_url"]
    return answer


@router.get(
    "/queued/{number}",
    response=PetitionQueuedStateOut,
    url_name="petition_queued",
    summary="A petition accepted with respond-async: queued, registered or failed",
)
def get_queued(request: HttpRequest, number: str) -> dict[str, Any]:
    user = api_user(request)
    intake = PetitionIntake.objects.filter(number=number[:40]).first()
    if intake is None or not (
        intake.submitted_by_id == user.pk or user.has_capability(Capability.ITEM_OVERSEE)
    ):
        raise ApiProblem(404, str(NO_SUCH_QUEUED))
    return {
        "number": intake.number,
        "state": intake.state,
        "received_at": intake.received_at,
        "registered_at": intake.registered_at,
        "petition_id": intake.petition_id,
        "error": intake.error if intake.state == IntakeState.FAILED else "",
    }


# --- ratings ----------------------------------------------------------------------------------

NO_SUCH_RATING = _("No rating of a petition you may see has this number.")
NO_SUCH_AGENCY = _("No agency has this key.")


class RatingOut(Schema):
    id: int
    petition_id: int
    number: str = Field(..., description="The petition's case number.")
    owner_agency: AgencyRef
    closed_at: datetime | None = Field(..., description="When the petition closed.")
    score: int = Field(..., description="1 (very dissatisfied) to 5 (very satisfied).")
    comment: str
    rated_at: datetime


class RatingPage(Schema):
    items: list[RatingOut]
    next_cursor: str | None = Field(None, description=CURSOR_DESCRIPTION)


class RatingFilters(Schema):
    start: ApiDay | None = Field(
        None, description="Petitions closed on or after this day (Asia/Taipei), as the report."
    )
    end: ApiDay | None = Field(None, description="Petitions closed on or before this day.")
    agency: Text | None = Field(
        None, max_length=40, description="Agency key; its sub-agencies' petitions are included."
    )
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=MAX_PAGE)


def _rating_out(rating: PetitionRating) -> dict[str, Any]:
    item = rating.petition.item
    agency = item.owner_agency
    return {
        "id": rating.pk,
        "petition_id": rating.petition_id,
        "number": item.number,
        "owner_agency": {"key": agency.key, "name": agency.name},
        "closed_at": item.closed_at,
        "score": rating.score,
        "comment": rating.comment,
        "rated_at": rating.rated_at,
    }


def _closed_in(start: date | None, end: date | None) -> Q:
    """The monthly report's window: closed from `start` 00:00 to the day after `end`,
    Asia/Taipei; a rating of a petition reopened since counts nowhere."""
    window = Q(petition__item__status=Status.CLOSED)
    if start is not None:
        window &= Q(petition__item__closed_at__gte=datetime.combine(start, time.min, TAIPEI))
    if end is not None:
        after = datetime.combine(end + timedelta(days=1), time.min, TAIPEI)
        window &= Q(petition__item__closed_at__lt=after)
    return window


RATING_ORDER = ("rated_at", "pk")


@router.get(
    "/ratings",
    response=RatingPage,
    summary="List the petitioners' ratings of the petitions you may see",
    description=(
        "Oldest rating first. With `start`/`end`, the ratings of the petitions closed in "
        "that period: the monthly report's satisfaction figures are their count and average."
    ),
)
def list_ratings(request: HttpRequest, filters: Query[RatingFilters]) -> dict[str, Any]:
    ratings = ratings_visible_to(api_user(request))
    if filters.start is not None or filters.end is not None:
        ratings = ratings.filter(_closed_in(filters.start, filters.end))
    if filters.agency:
        agency = Agency.objects.filter(key=filters.agency).only("path").first()
        if agency is None:
            raise ApiProblem(400, str(NO_SUCH_AGENCY))
        ratings = ratings.filter(petition__item__owner_agency__path__startswith=agency.path)
    page = keyset_page(ratings, ordering=RATING_ORDER, cursor=filters.cursor, limit=filters.limit)
    return {
        "items": [_rating_out(rating) for rating in page.rows],
        "next_cursor": page.next_cursor,
    }


@router.get("/ratings/{id:rating_id}", response=RatingOut, summary="One petitioner's rating")
def get_rating(request: HttpRequest, rating_id: int) -> dict[str, Any]:
    rating = ratings_visible_to(api_user(request)).filter(pk=rating_id).first()
    if rating is None:
        raise ApiProblem(404, str(NO_SUCH_RATING))
    return _rating_out(rating)


@router.get(
    "/{id:petition_id}", response=PetitionDetailOut, summary="One petition with its history"
)
def get_petition(request: HttpRequest, petition_id: int) -> dict[str, Any]:
    petition = petition_for_user(api_user(request), petition_id)
    item = get_item(request, petition.pk)  # the item's allowed actions and history
    return {
        **item,
        **_petition_out(petition, clock.now()),
        "content": petition.content,
        "address": petition.address,
        "latitude": petition.latitude,
        "longitude": petition.longitude,
    }


@router.post(
    "/{id:petition_id}/actions/{action}",
    response={200: PetitionDetailOut},
    summary="Carry out a workflow action on a petition",
    description=(
        "The same actions, fields and rules as `POST /items/{item_id}/actions/{action}`; "
        "answers the petition."
    ),
)
def act(
    request: HttpRequest, petition_id: int, action: str, body: Body[dict[str, Any]]
) -> dict[str, Any]:
    petition = petition_for_user(api_user(request), petition_id)
    item_act(request, petition.pk, action, body)
    return get_petition(request, petition.pk)
