"""Petitions as Open311 services: one service per active sub-category (子項), the
level the city's routing rules and time limits are set at; the main category
(主項) is the service's group. A request becomes a petition on the app channel,
routed by category and district, and published unless its sender says no."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yankao.open311.catalogue import (
    DISTRICT,
    PUBLIC_NOTICE,
    SEPARATOR,
    SUBJECT,
    SUBJECT_MAX,
    Attribute,
    RequestInput,
    RequestRefused,
    Service,
    Shown,
    district_attribute,
    postal_codes,
    public_attribute,
)
from yankao.petitions.kinds import PETITION
from yankao.petitions.models import Category, Channel, Disposition, Petition
from yankao.petitions.services import PetitionError, petition_create
from yankao.tracking.models import TrackedItem

PREFIX = "P"


def _service(category: Category) -> Service:
    main = category.parent
    group = main.name if main else category.name
    values = {"main": group, "sub": category.name, "days": category.time_limit_days}
    return Service(
        code=f"{PREFIX}{SEPARATOR}{category.code}",
        name=category.name,
        description=str(
            _(
                "Petition about %(main)s: %(sub)s. The responsible agency answers "
                "within %(days)s working days."
            )
            % values
        ),
        group=group,
        keywords=",".join(dict.fromkeys([gettext("petition"), group, category.name])),
        business=PETITION.key,
        target=category,
        notice=str(
            _(
                "Registered as a petition; the responsible agency answers within "
                "%(days)s working days. Leave an e-mail or a phone number: a petition "
                "without any way to reach you may be left unhandled."
            )
            % values
        ),
    )


def _subject(data: RequestInput, service: Service) -> str:
    if data.subject:
        return data.subject[:SUBJECT_MAX]
    first_line = next((line.strip() for line in data.description.splitlines() if line.strip()), "")
    if first_line:
        return first_line[:40]
    return f"{service.name} {data.address}".strip()[:SUBJECT_MAX]


def _status_notes(petition: Petition) -> str:
    return _disposition_notes(petition.disposition)


def _disposition_notes(disposition: str) -> str:
    if disposition != Disposition.NORMAL:
        return str(
            _("Registered without further handling: %(reason)s.")
            % {"reason": Disposition(disposition).label}
        )
    return ""


class PetitionBusiness:
    kind = PETITION.key
    prefix = PREFIX
    related = "petition"
    required: tuple[str, ...] = ()
    received = "petition__received_at"
    newest: tuple[str, ...] = ("-petition__received_at", "-petition__pk")
    columns: tuple[str, ...] = (
        "petition__content",
        "petition__address",
        "petition__latitude",
        "petition__longitude",
        "petition__disposition",
        "petition__category_id",
        "petition__district_id",
    )

    def _categories(self) -> Any:
        return Category.objects.filter(is_active=True, parent__isnull=False).select_related(
            "parent"
        )

    def services(self) -> list[Service]:
        return [_service(category) for category in self._categories().order_by("code")]

    def service(self, local_code: str) -> Service | None:
        category = self._categories().filter(code=local_code).first()
        return _service(category) if category else None

    def attributes(self, service: Service) -> list[Attribute]:
        return [
            district_attribute(
                required=DISTRICT in self.required,
                description=str(
                    _(
                        "District (行政區). Without it the district named in the address is "
                        "used, and without that the category's city-wide agency."
                    )
                ),
            ),
            Attribute(
                code=SUBJECT,
                datatype="string",
                required=SUBJECT in self.required,
                description=str(
                    _("Subject (主旨), up to 100 characters; if empty, the description's start.")
                ),
                order=2,
            ),
            public_attribute(order=3),
        ]

    def create(self, *, service: Service, data: RequestInput, by: Any) -> TrackedItem:
        content = data.description or f"{service.name}：{data.address}"
        try:
            registered = petition_create(
                channel=Channel.APP,
                category=service.target,
                subject=_subject(data, service),
                content=content,
                by=by,
                petitioner_name=data.name,
                petitioner_email=data.email,
                petitioner_phone=data.phone,
                district=data.district,
                address=data.address,
                latitude=data.latitude,
                longitude=data.longitude,
                language=data.language,
                attachments=data.media,
                published=data.published,
            )
        except PetitionError as error:
            raise RequestRefused(str(error)) from error
        return registered.petition.item

    def shown(self, item: TrackedItem) -> Shown:
        petition: Petition = item.petition
        category = petition.category
        district = petition.district
        return Shown(
            service_code=f"{PREFIX}{SEPARATOR}{category.code}",
            service_name=category.name,
            description=petition.content,
            service_notice=str(PUBLIC_NOTICE),
            address=petition.address,
            zipcode=district.postal_code if district else "",
            latitude=petition.latitude,
            longitude=petition.longitude,
            status_notes=_status_notes(petition),
        )

    def shown_rows(self, rows: list[dict[str, Any]]) -> dict[int, Shown]:
        ids = {row["petition__category_id"] for row in rows}
        categories = {
            pk: (code, name)
            for pk, code, name in Category.objects.filter(pk__in=ids).values_list(
                "pk", "code", "name"
            )
        }
        postal = postal_codes(rows, "petition__district_id")
        notice = str(PUBLIC_NOTICE)
        shown = {}
        for row in rows:
            code, name = categories[row["petition__category_id"]]
            shown[row["pk"]] = Shown(
                service_code=f"{PREFIX}{SEPARATOR}{code}",
                service_name=name,
                description=row["petition__content"],
                service_notice=notice,
                address=row["petition__address"],
                zipcode=postal.get(row["petition__district_id"], ""),
                latitude=row["petition__latitude"],
                longitude=row["petition__longitude"],
                status_notes=_disposition_notes(row["petition__disposition"]),
            )
        return shown

    def public_q(self) -> Q:
        return Q(petition__published=True)

    def code_q(self, local_code: str) -> Q:
        # With the flag and the receipt time, the index petition_published_time
        # (petitions migration 0010) gives the service's requests newest first.
        category = Category.objects.filter(code=local_code).values_list("pk", flat=True).first()
        return Q(petition__category_id=category) if category else Q(pk__in=[])
