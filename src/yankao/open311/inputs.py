"""Reading what a client sends: the POST fields of a new request and the filters
of GET requests. Every refusal is an Open311Error with a sentence saying what to
fix, never an exception the view has not planned for."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.http import HttpRequest, QueryDict
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from yankao.calendar.parsing import DateInputError, OutOfRange, on_day, parse_api_moment
from yankao.core import clock
from yankao.core.forms import PhoneField
from yankao.core.geography import city_bounds, in_city
from yankao.core.uploads import JPEG, PNG, PUBLIC, AttachmentRefused, CheckedFile, check_file
from yankao.open311.catalogue import (
    DISTRICT,
    SUBJECT,
    SUBJECT_MAX,
    Business,
    RequestInput,
    Service,
    business_for,
)
from yankao.open311.errors import Open311Error
from yankao.open311.selectors import MAX_PAGE_SIZE, STATUS_Q, RequestFilters
from yankao.organisation.models import District

DESCRIPTION_MAX = 4000
ADDRESS_MAX = 200
WINDOW = timedelta(days=90)
MAX_IDS = 100
_ATTRIBUTE = re.compile(r"attribute\[([A-Za-z0-9_-]{1,40})\]")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CLIENT_TOKEN = re.compile(r"[\x21-\x7e]{1,255}")
PICTURE = _("Picture")


def param(request: HttpRequest, name: str) -> str:
    """A parameter from the body or, failing that, the query string (the spec
    allows api_key and jurisdiction_id in either)."""
    value = request.POST.get(name) if request.method == "POST" else None
    if value is None:
        value = request.GET.get(name, "")
    return value.strip()


# --- POST requests --------------------------------------------------------------------------


class RequestForm(forms.Form):
    service_code = forms.CharField(max_length=40)
    lat = forms.FloatField(required=False)
    long = forms.FloatField(required=False)
    address_string = forms.CharField(max_length=ADDRESS_MAX, required=False)
    address_id = forms.CharField(max_length=100, required=False)
    email = forms.EmailField(required=False)
    device_id = forms.CharField(max_length=100, required=False)
    account_id = forms.CharField(max_length=100, required=False)
    first_name = forms.CharField(max_length=50, required=False)
    last_name = forms.CharField(max_length=50, required=False)
    phone = PhoneField(max_length=30, required=False)
    description = forms.CharField(max_length=DESCRIPTION_MAX, required=False)
    media_url = forms.URLField(max_length=500, required=False, assume_scheme="https")


def _errors(form: forms.Form) -> Open311Error:
    return Open311Error(
        400,
        *(f"{field}: {message}" for field, messages in form.errors.items() for message in messages),
    )


def _clean_text(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    return "".join(c for c in text if c in "\n\t" or unicodedata.category(c) != "Cc").strip()


def _coordinate(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def _place(data: dict[str, Any]) -> tuple[Decimal | None, Decimal | None]:
    lat, lon = data["lat"], data["long"]
    if (lat is None) != (lon is None):
        raise Open311Error(400, str(_("lat and long: give both, or neither.")))
    if lat is None:
        if not (data["address_string"] or data["address_id"]):
            raise Open311Error(
                400, str(_("Say where: lat and long, address_string or address_id."))
            )
        return None, None
    if not in_city(lat, lon):
        south, west, north, east = city_bounds()
        raise Open311Error(
            400,
            str(
                _(
                    "lat and long: the point %(lat)s, %(long)s is outside the city "
                    "(latitude %(south)s to %(north)s, longitude %(west)s to %(east)s)."
                )
                % {
                    "lat": lat,
                    "long": lon,
                    "south": south,
                    "north": north,
                    "west": west,
                    "east": east,
                }
            ),
        )
    return _coordinate(lat), _coordinate(lon)


def _district(value: str, address: str) -> District | None:
    """The district named by key or name, else the one the address names, else None."""
    if value:
        found = District.objects.filter(Q(key=value) | Q(name=value)).first()
        if found is None:
            raise Open311Error(
                400, str(_("attribute[district]: unknown district %(value)s.") % {"value": value})
            )
        return found
    if not address:
        return None
    named = [d for d in District.objects.all() if d.name and d.name in address]
    return max(named, key=lambda d: len(d.name)) if named else None


def _name(first: str, last: str) -> str:
    if _CJK.search(first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip()


def _media(request: HttpRequest) -> tuple[CheckedFile, ...]:
    files = request.FILES.getlist("media")
    if not files:
        return ()
    if len(files) > 1:
        raise Open311Error(400, str(_("media: send one picture.")))
    upload: UploadedFile = files[0]
    try:
        checked = check_file(upload, limits=PUBLIC)
    except AttachmentRefused as error:
        raise Open311Error(400, f"media: {error}") from error
    if checked.content_type not in (JPEG, PNG):
        raise Open311Error(400, str(_("media: only a JPEG or PNG picture can be sent.")))
    return (checked,)


def attributes(post: QueryDict) -> dict[str, str]:
    found = {}
    for key in post:
        match = _ATTRIBUTE.fullmatch(key)
        if match:
            found[match.group(1)] = _clean_text(post.get(key, ""))
    return found


def service_code(request: HttpRequest) -> str:
    return request.POST.get("service_code", "").strip()


def request_input(
    request: HttpRequest, business: Business, service: Service
) -> tuple[RequestInput, dict[str, str]]:
    """The valid request, and the Open311 facts the business does not keep."""
    form = RequestForm(request.POST)
    if not form.is_valid():
        raise _errors(form)
    data = form.cleaned_data
    lat, lon = _place(data)
    extra = attributes(request.POST)
    address = _clean_text(data["address_string"])
    subject = extra.get(SUBJECT, "")
    if len(subject) > SUBJECT_MAX:
        raise Open311Error(400, str(_("attribute[subject]: at most 100 characters.")))
    district = _district(extra.get(DISTRICT, ""), address)
    missing = [code for code in business.required if not extra.get(code)]
    if missing:
        raise Open311Error(
            400, *(str(_("attribute[%(code)s] is required.") % {"code": code}) for code in missing)
        )
    description = _clean_text(data["description"])
    if data["media_url"]:
        label = str(PICTURE)
        description = f"{description}\n{label}: {data['media_url']}".strip()
    found = RequestInput(
        description=description,
        latitude=lat,
        longitude=lon,
        address=address,
        district=district,
        subject=subject,
        name=_name(_clean_text(data["first_name"]), _clean_text(data["last_name"])),
        email=data["email"],
        phone=_clean_text(data["phone"]),
        language=translation.get_language() or settings.LANGUAGE_CODE,
        media=_media(request),
    )
    return found, {"device_id": data["device_id"], "account_id": data["account_id"]}


def client_token(request: HttpRequest) -> str | None:
    """The extension field `client_token`, the body's own idempotency key."""
    token = request.POST.get("client_token", "")
    if not token:
        return None
    if not _CLIENT_TOKEN.fullmatch(token):
        raise Open311Error(400, str(_("client_token: 1 to 255 visible ASCII characters.")))
    return token


def fingerprint(request: HttpRequest, data: RequestInput) -> str:
    """What makes two posts the same request: their fields (in any order, in any
    encoding) and their picture, not the multipart boundary the client drew."""
    digest = hashlib.sha256()
    for key in sorted(request.POST):
        if key in ("api_key", "client_token"):
            continue
        for value in request.POST.getlist(key):
            digest.update(f"{key}\x00{value}\x00".encode())
    for checked in data.media:
        digest.update(checked.sha256.encode())
    return digest.hexdigest()


# --- GET requests ------------------------------------------------------------------------------


def _moment(name: str, text: str, *, end: bool) -> datetime | None:
    """A W3C moment (Asia/Taipei without an offset) or a plain day, which means the
    whole day: from its start, or up to the start of the next day for end_date."""
    if not text:
        return None
    try:
        found = parse_api_moment(text)
        if isinstance(found, datetime):
            return found
        return on_day(found + timedelta(days=1) if end else found, time.min)
    except OutOfRange as error:
        raise Open311Error(400, f"{name}: {error}") from error
    except DateInputError as error:
        raise Open311Error(
            400,
            str(
                _("%(name)s: not a W3C date and time; write e.g. 2026-11-01T00:00:00+08:00.")
                % {"name": name}
            ),
        ) from error


def _window(start: datetime | None, end: datetime | None) -> tuple[datetime, datetime]:
    if start is None and end is None:
        end = clock.now()
    if start is None:
        assert end is not None
        start = end - WINDOW
    if end is None:
        end = start + WINDOW
    if end < start:
        raise Open311Error(400, str(_("end_date is before start_date.")))
    if end - start > WINDOW:
        raise Open311Error(400, str(_("start_date to end_date may span at most 90 days.")))
    return start, end


def _listed(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _number(name: str, text: str, default: int, most: int) -> int:
    if not text:
        return default
    if not text.isdigit() or not 1 <= int(text) <= most:
        raise Open311Error(
            400,
            str(_("%(name)s: a whole number from 1 to %(most)s.") % {"name": name, "most": most}),
        )
    return int(text)


def _code_q(code: str) -> tuple[str, Q]:
    found = business_for(code) if len(code) <= 40 else None
    if found is None:
        raise Open311Error(
            400, str(_("service_code: unknown service %(code)s.") % {"code": code[:40]})
        )
    business, local = found
    return business.kind, business.code_q(local)


def request_filters(query: QueryDict) -> RequestFilters:
    page = _number("page", query.get("page", ""), 1, 100_000)
    size = _number("page_size", query.get("page_size", ""), MAX_PAGE_SIZE, MAX_PAGE_SIZE)
    ids = _listed(query.get("service_request_id", ""))
    if ids:
        if len(ids) > MAX_IDS or any(len(i) > 40 for i in ids):
            raise Open311Error(400, str(_("service_request_id: at most 100 ids.")))
        return RequestFilters(ids=tuple(ids), page=page, page_size=size)
    statuses = _listed(query.get("status", "").lower())
    if any(status not in STATUS_Q for status in statuses):
        raise Open311Error(400, str(_("status: open or closed, comma separated.")))
    start, end = _window(
        _moment("start_date", query.get("start_date", "").strip(), end=False),
        _moment("end_date", query.get("end_date", "").strip(), end=True),
    )
    return RequestFilters(
        codes=tuple(_code_q(code) for code in _listed(query.get("service_code", ""))),
        start=start,
        end=end,
        statuses=tuple(dict.fromkeys(statuses)),
        page=page,
        page_size=size,
    )
