"""Every write to petitions goes through one of these functions: keyword-only
arguments, the actor passed in, one transaction each. Permission checks belong to
the caller (see policy.py and the views)."""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from yankao.accounts.models import User
from yankao.calendar.roc import format_roc_short
from yankao.core import clock
from yankao.core.codes import PETITION_VERIFICATION, new_code
from yankao.core.numbering import PETITION_NUMBERS
from yankao.core.uploads import CheckedFile, files_store
from yankao.organisation.models import Agency, District
from yankao.organisation.services import city_data_dir
from yankao.petitions import notifications
from yankao.petitions.loading import ReferenceLoadResult, load_reference
from yankao.petitions.models import (
    AgencyPetitionSettings,
    Category,
    Channel,
    Disposition,
    MailboxDraft,
    PersonalDataAccess,
    Petition,
    PetitionAttachment,
    PetitionRating,
    RoutingRule,
)
from yankao.petitions.search import petition_indexed
from yankao.petitions.selectors import petition_route
from yankao.tracking.models import Status, TrackedItem
from yankao.tracking.services import item_close, item_create, item_note, item_transfer

KIND = "petition"
MAILBOX_SALT = "yankao.petitions.mailbox"
MAILBOX_LINK_AGE = timedelta(hours=24)


class PetitionError(Exception):
    """A write the petitions app refuses; the message is fit to show to the user."""


# --- reference data ----------------------------------------------------------------------


@transaction.atomic
def petition_reference_load(*, city: str | None = None) -> ReferenceLoadResult:
    """Load (or refresh) the city's petition categories and routing rules. Idempotent;
    the demo seed calls it after loading the city's agencies."""
    return load_reference(
        category_model=Category,
        rule_model=RoutingRule,
        agency_model=Agency,
        district_model=District,
        folder=city_data_dir(city),
    )


@transaction.atomic
def agency_petition_settings_set(*, agency: Agency, reply_needs_approval: bool) -> None:
    AgencyPetitionSettings.objects.update_or_create(
        agency=agency, defaults={"reply_needs_approval": reply_needs_approval}
    )


# --- numbers and codes ---------------------------------------------------------------------


def new_verification_code() -> str:
    return new_code()


# --- registering -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Registered:
    """A registered petition and its verification code, which exists only here:
    the database keeps its hash. `mailed`: whether the petitioner is sent them by
    e-mail (not without an address, nor beyond the address's hourly confirmations)."""

    petition: Petition
    code: str
    mailed: bool = False


def has_concrete_content(text: str) -> bool:
    """Whether the text holds any letter or digit (not only spaces and punctuation)."""
    return any(unicodedata.category(char)[0] in "LN" for char in text)


def _unhandled_reason(disposition: str, repeat_of: Petition | None) -> str:
    """The closing reason, kept in the history in the city's language whatever the
    language of the page that caused it."""
    with translation.override(settings.LANGUAGE_CODE):
        return _unhandled_reason_text(disposition, repeat_of)


def _unhandled_reason_text(disposition: str, repeat_of: Petition | None) -> str:
    if disposition == Disposition.REPEAT:
        if repeat_of is None:
            raise PetitionError(_("Name the earlier petition this one repeats."))
        earlier = repeat_of.item
        if earlier.status != Status.CLOSED or earlier.closed_at is None:
            raise PetitionError(_("The earlier petition has not been answered yet."))
        return str(
            _(
                "Registered without further handling (要點 第14點): the same matter was "
                "answered in case %(number)s on %(date)s."
            )
            % {"number": earlier.number, "date": format_roc_short(earlier.closed_at)}
        )
    reasons = {
        Disposition.NO_CONTENT: _(
            "Registered without further handling (要點 第14點): the petition has no "
            "concrete content."
        ),
        Disposition.NO_IDENTITY: _(
            "Registered without further handling (要點 第14點): the petitioner gave no "
            "real name or contact."
        ),
        Disposition.NOT_COMPETENT: _(
            "Registered without further handling (要點 第14點): the same matter was sent "
            "to several agencies and this agency is not the competent one."
        ),
    }
    if disposition not in reasons:
        raise PetitionError(_("That is not a disposition for leaving a petition unhandled."))
    return str(reasons[Disposition(disposition)])


def _intake_disposition(disposition: str, content: str, email: str, phone: str) -> str:
    """A disposition chosen at intake stands; otherwise a petition without concrete
    content, or without any way to reach the petitioner, is marked as such."""
    if disposition != Disposition.NORMAL:
        return disposition
    if not has_concrete_content(content):
        return Disposition.NO_CONTENT
    if not (email.strip() or phone.strip()):
        return Disposition.NO_IDENTITY
    return Disposition.NORMAL


@transaction.atomic
def petition_create(
    *,
    channel: str,
    category: Category,
    subject: str,
    content: str,
    by: User | None,
    petitioner_name: str = "",
    petitioner_email: str = "",
    petitioner_phone: str = "",
    petitioner_address: str = "",
    anonymous: bool = False,
    district: District | None = None,
    address: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    disposition: str = Disposition.NORMAL,
    repeat_of: Petition | None = None,
    language: str = "zh-hant",
    received_at: datetime | None = None,
    attachments: Sequence[CheckedFile] = (),
    number: str | None = None,
    code: str | None = None,
    published: bool = False,
) -> Registered:
    """Register a petition with the agency the routing rules name, on the category's
    time limit. One that may be left unhandled (要點 第14點) is registered and
    closed at once with its disposition: never dropped. A petition queued by the
    API (petitions.intake) brings the case number and code it was given.
    `published` is the petitioner's own choice to be listed publicly: only a door
    where the citizen decides passes it (Open311, the mailbox's checkbox), never
    staff, the 1999 desk or an API client on the petitioner's behalf."""
    if channel not in Channel.values:
        raise PetitionError(_("Unknown channel."))
    owner = petition_route(category, district)
    if owner is None:
        raise PetitionError(_("No agency is set to handle this category."))
    disposition = _intake_disposition(disposition, content, petitioner_email, petitioner_phone)
    closing_reason = (
        _unhandled_reason(disposition, repeat_of) if disposition != Disposition.NORMAL else ""
    )
    received = received_at or clock.now()
    code = code or new_verification_code()
    item = item_create(
        kind=KIND,
        number=number or PETITION_NUMBERS.next(received),
        title=subject,
        owner_agency=owner,
        by=by,
        received_at=received,
        time_limit=category.time_limit_days,
    )
    petition = Petition.objects.create(
        item=item,
        channel=channel,
        category=category,
        district=district,
        address=address,
        latitude=latitude,
        longitude=longitude,
        subject=subject,
        content=content,
        petitioner_name="" if anonymous else petitioner_name,
        petitioner_email=petitioner_email,
        petitioner_phone=petitioner_phone,
        petitioner_address="" if anonymous else petitioner_address,
        anonymous=anonymous,
        language=language,
        disposition=disposition,
        repeat_of=repeat_of if disposition == Disposition.REPEAT else None,
        verification_hash=PETITION_VERIFICATION.digest(code),
        received_at=item.received_at,
        published=published,
    )
    petition_indexed(petition)
    _attachments_store(files=attachments, petition=petition, by=by)
    mailed = notifications.petition_registered(petition, code)
    if closing_reason:
        petition.item = item_close(item=item, by=by, reason=closing_reason, at=received)
    return Registered(petition=petition, code=code, mailed=mailed)


@transaction.atomic
def petition_close_unhandled(
    *,
    petition: Petition,
    disposition: str,
    by: User,
    repeat_of: Petition | None = None,
    version: int | None = None,
) -> Petition:
    """Close an open petition that may be left unhandled (要點 第14點), saying why."""
    if repeat_of is not None and repeat_of.pk == petition.pk:
        raise PetitionError(_("A petition cannot repeat itself."))
    reason = _unhandled_reason(disposition, repeat_of)
    petition.disposition = disposition
    petition.repeat_of = repeat_of if disposition == Disposition.REPEAT else None
    petition.save(update_fields=["disposition", "repeat_of"])
    petition.item = item_close(item=petition.item, by=by, reason=reason, version=version)
    return petition


def _city_language(text: Any) -> str:
    """History entries are kept in the city's language, whatever the page's."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(text)


@transaction.atomic
def petition_merge(
    *, petition: Petition, into: Petition, by: User, version: int | None = None
) -> Petition:
    """Merge another citizen's petition on the same matter into a main case (併案處理):
    it is closed with the disposition "merged", its petitioner is told which case
    answers them, and the main case's reply goes to them as well (at once if the
    main case is already answered)."""
    if into.pk == petition.pk:
        raise PetitionError(_("A petition cannot be merged into itself."))
    if into.merged_into_id is not None:
        raise PetitionError(
            _("Case %(number)s was itself merged into another case; merge into that one.")
            % {"number": into.item.number}
        )
    if petition.merged.exists():
        raise PetitionError(
            _("Other petitions were merged into this one; merge the other way round.")
        )
    into.item.refresh_from_db()
    if into.item.status == Status.WITHDRAWN:
        raise PetitionError(_("Case %(number)s was withdrawn.") % {"number": into.item.number})
    if not petition.item.is_open:
        raise PetitionError(_("Only an open petition can be merged into another."))
    reason = _city_language(
        _(
            "Merged (併案處理): the same matter is handled in case %(number)s by %(agency)s, "
            "whose reply answers this petition too."
        )
        % {"number": into.item.number, "agency": into.item.owner_agency.name}
    )
    petition.disposition = Disposition.MERGED
    petition.merged_into = into
    petition.save(update_fields=["disposition", "merged_into"])
    petition.item = item_close(item=petition.item, by=by, reason=reason, version=version)
    item_note(
        item=into.item,
        by=by,
        text=_city_language(
            _("Case %(number)s (another petitioner, same matter) was merged into this case.")
            % {"number": petition.item.number}
        ),
    )
    if into.item.status == Status.CLOSED:
        notifications.merged_reply(petition, into)
    return petition


@transaction.atomic
def petition_link(*, petition: Petition, other: Petition, by: User) -> None:
    """Mark two petitions as related (the same or a connected matter), noted in both
    histories; each stays a case of its own."""
    if other.pk == petition.pk:
        raise PetitionError(_("A petition cannot be related to itself."))
    if petition.related.filter(pk=other.pk).exists():
        raise PetitionError(
            _("Case %(number)s is already related to this one.") % {"number": other.item.number}
        )
    petition.related.add(other)
    for here, there in ((petition, other), (other, petition)):
        item_note(
            item=here.item,
            by=by,
            text=_city_language(_("Related to case %(number)s.") % {"number": there.item.number}),
        )


@transaction.atomic
def petition_unlink(*, petition: Petition, other: Petition, by: User) -> None:
    """Undo a relation marked by mistake; the histories keep both entries."""
    if not petition.related.filter(pk=other.pk).exists():
        raise PetitionError(
            _("Case %(number)s is not related to this one.") % {"number": other.item.number}
        )
    petition.related.remove(other)
    for here, there in ((petition, other), (other, petition)):
        item_note(
            item=here.item,
            by=by,
            text=_city_language(
                _("No longer related to case %(number)s.") % {"number": there.item.number}
            ),
        )


@transaction.atomic
def petition_reroute(
    *,
    petition: Petition,
    by: User,
    reason: str,
    category: Category | None = None,
    district: District | None = None,
    to_agency: Agency | None = None,
    version: int | None = None,
) -> Petition:
    """Correct the category or district and transfer (移文) the petition to the agency
    the rules then name, or to the agency given; the petitioner is told (§171)."""
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    petition.category = category or petition.category
    petition.district = district if district is not None else petition.district
    petition.save(update_fields=["category", "district"])
    target = to_agency or petition_route(petition.category, petition.district)
    if target is None:
        raise PetitionError(_("No agency is set to handle this category."))
    item: TrackedItem = petition.item
    if target.pk != item.owner_agency_id:
        item = item_transfer(item=item, to_agency=target, by=by, reason=reason, version=version)
    petition.item = item
    return petition


# --- attachments ---------------------------------------------------------------------------


def _attachments_store(
    *,
    files: Sequence[CheckedFile],
    petition: Petition | None = None,
    draft: MailboxDraft | None = None,
    by: User | None = None,
) -> list[PetitionAttachment]:
    """Store checked files, each with its row (see core.uploads.files_store)."""
    return files_store(
        files,
        row=lambda: PetitionAttachment(petition=petition, draft=draft),
        stem="upload",
        by=by,
        at=clock.now(),
    )


def _files_delete_on_commit(names: list[str]) -> None:
    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete)


STRAY_FILE_AGE = timedelta(days=1)


def attachment_files_stray_purge(*, now: datetime | None = None) -> int:
    """Delete stored files under petitions/ that no attachment row names and that are
    older than a day: left behind when a transaction rolled back after its files were
    written, or when a process died between the two. Through the storage, so a folder
    and an S3-compatible store are swept alike. Returns how many."""
    limit = (now or clock.now()) - STRAY_FILE_AGE
    removed = 0
    folders, _files = _listed(ATTACHMENT_FOLDER)
    for folder in sorted(folders):
        _dirs, names = _listed(f"{ATTACHMENT_FOLDER}/{folder}")
        old = [
            f"{ATTACHMENT_FOLDER}/{folder}/{name}"
            for name in names
            if default_storage.get_modified_time(f"{ATTACHMENT_FOLDER}/{folder}/{name}") < limit
        ]
        if not old:
            continue
        known = set(PetitionAttachment.objects.filter(file__in=old).values_list("file", flat=True))
        for name in old:
            if name not in known:
                default_storage.delete(name)
                removed += 1
    return removed


ATTACHMENT_FOLDER = "petitions"


def _listed(path: str) -> tuple[list[str], list[str]]:
    """Folders and files under `path` on the storage; none when it does not exist."""
    try:
        return default_storage.listdir(path)
    except FileNotFoundError:
        return [], []


# --- satisfaction ----------------------------------------------------------------------------


@transaction.atomic
def petition_rate(*, petition: Petition, score: int, comment: str = "") -> PetitionRating:
    """The petitioner's rating of a closed petition, given once (from the public
    tracking page, so there is no user to name)."""
    petition = Petition.objects.select_for_update().select_related("item").get(pk=petition.pk)
    if petition.item.status != Status.CLOSED:
        raise PetitionError(_("You can rate the handling of a petition only once it is closed."))
    if PetitionRating.objects.filter(petition=petition).exists():
        raise PetitionError(_("This petition has already been rated. Thank you."))
    if not 1 <= score <= 5:
        raise PetitionError(_("Choose a score from 1 to 5."))
    return PetitionRating.objects.create(
        petition=petition, score=score, comment=comment.strip(), rated_at=clock.now()
    )


# --- personal data -------------------------------------------------------------------------------


@transaction.atomic
def petition_personal_data_access_log(
    *, petition: Petition, by: User, reason: str, where: str
) -> PersonalDataAccess:
    """Record that a user is about to see a petitioner's personal data unmasked."""
    if not reason.strip():
        raise PetitionError(_("Say why you need the personal data."))
    return PersonalDataAccess.objects.create(
        petition=petition, user=by, at=clock.now(), reason=reason.strip()[:300], where=where
    )


# --- the web mailbox ---------------------------------------------------------------------------


class MailboxLinkError(Exception):
    """A confirmation link that cannot register anything; the message says why."""


class MailboxBusy(PetitionError):
    """The address has had its hour's confirmation links: nothing was kept."""


@dataclass(frozen=True)
class Confirmed:
    petition: Petition
    code: str | None  # None when the link had already been used
    mailed: bool = False  # the case number and code were sent by e-mail too


@transaction.atomic
def mailbox_submit(
    *, data: dict[str, Any], email: str, attachments: Sequence[CheckedFile] = ()
) -> MailboxDraft:
    """Keep a web submission, with its files, as a draft and e-mail its sender a
    signed link; nothing is registered until the link is opened (as the city's
    mailbox does). The link mail quotes nothing of the submission, and an address
    gets a limited number an hour: beyond it MailboxBusy, and nothing is kept."""
    if not notifications.mailbox_confirmation_allowed(email):
        raise MailboxBusy(
            _(
                "We have sent this e-mail address as many confirmation links as we send in "
                "an hour. Please open one of the links already sent, or write again in an "
                "hour."
            )
        )
    draft = MailboxDraft.objects.create(
        data=data, email=email, nonce=secrets.token_hex(16), created_at=clock.now()
    )
    _attachments_store(files=attachments, draft=draft)
    token = signing.dumps({"d": draft.pk, "n": draft.nonce}, salt=MAILBOX_SALT)
    notifications.mailbox_confirmation(email=email, token=token, draft_id=draft.pk)
    return draft


def _draft_from_token(token: str, *, lock: bool) -> MailboxDraft:
    try:
        payload = signing.loads(token, salt=MAILBOX_SALT, max_age=MAILBOX_LINK_AGE)
    except signing.SignatureExpired as exc:
        raise MailboxLinkError(
            _("This confirmation link has expired (links last 24 hours). Please write again.")
        ) from exc
    except signing.BadSignature as exc:
        raise MailboxLinkError(
            _("This confirmation link is not valid. Check that it was copied whole.")
        ) from exc
    drafts = MailboxDraft.objects.select_for_update() if lock else MailboxDraft.objects.all()
    draft = drafts.filter(pk=payload.get("d"), nonce=payload.get("n")).first()
    if draft is None:
        raise MailboxLinkError(
            _("This confirmation link has expired (links last 24 hours). Please write again.")
        )
    return draft


def mailbox_check_token(*, token: str) -> None:
    """Raise MailboxLinkError if the link cannot be confirmed; registers nothing."""
    _draft_from_token(token, lock=False)


def _decimal_or_none(text: str | None) -> Decimal | None:
    return None if text in (None, "") else Decimal(str(text))


@transaction.atomic
def mailbox_confirm(*, token: str) -> Confirmed:
    """Register the petition of a confirmed draft. Opening the link again registers
    nothing more and shows the same case (without its code, which is shown once)."""
    draft = _draft_from_token(token, lock=True)
    if draft.petition_id is not None:
        petition = Petition.objects.select_related("item__owner_agency").get(pk=draft.petition_id)
        return Confirmed(petition=petition, code=None)
    data = draft.data
    registered = petition_create(
        channel=Channel.WEB,
        category=Category.objects.get(pk=data["category"]),
        district=District.objects.filter(pk=data.get("district")).first(),
        subject=data["subject"],
        content=data["content"],
        address=data.get("address", ""),
        latitude=_decimal_or_none(data.get("latitude")),
        longitude=_decimal_or_none(data.get("longitude")),
        petitioner_name=data.get("name", ""),
        petitioner_email=draft.email,
        petitioner_phone=data.get("phone", ""),
        language=data.get("language", "zh-hant"),
        by=None,
        published=data.get("published") is True,  # the sender ticked the box
    )
    PetitionAttachment.objects.filter(draft=draft).update(draft=None, petition=registered.petition)
    draft.petition = registered.petition
    draft.data = {}  # the petition holds the facts now; keep no second copy
    draft.save(update_fields=["petition", "data"])
    return Confirmed(petition=registered.petition, code=registered.code, mailed=registered.mailed)


@transaction.atomic
def mailbox_drafts_purge(*, now: datetime | None = None) -> int:
    """Delete drafts whose link has expired unconfirmed, and their files (they hold
    personal data). Returns the number of drafts deleted."""
    limit = (now or clock.now()) - MAILBOX_LINK_AGE
    expired = MailboxDraft.objects.filter(petition__isnull=True, created_at__lt=limit)
    files = list(
        PetitionAttachment.objects.filter(draft__in=expired).values_list("file", flat=True)
    )
    _deleted, counts = expired.delete()
    _files_delete_on_commit(files)
    return counts.get(MailboxDraft._meta.label, 0)
