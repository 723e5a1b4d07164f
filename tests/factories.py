"""One factory per model the tests need, and the fixed cast of named staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from yankao.accounts.models import User
from yankao.accounts.roles import Role
from yankao.core import clock
from yankao.organisation.models import Agency
from yankao.tracking import services
from yankao.tracking.models import TrackedItem

TAIPEI = ZoneInfo("Asia/Taipei")


def taipei(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TAIPEI)


def agency(key: str) -> Agency:
    return Agency.objects.get(key=key)


def user(username: str, role: str, agency_key: str | None) -> User:
    return User.objects.create_user(
        username=username,
        password="not-used-in-tests",
        role=role,
        agency=agency(agency_key) if agency_key else None,
        full_name=username.capitalize(),
        email=f"{username}@example.test",
    )


@dataclass
class Staff:
    """hank handles for Public Works; holly handles for its Maintenance Office (a
    sub-agency); sue supervises Public Works; dora handles for the Fengshan
    district office; connie is a commission controller; mia views for the mayor;
    amy answers 1999."""

    hank: User
    holly: User
    sue: User
    dora: User
    connie: User
    mia: User
    amy: User

    @classmethod
    def create(cls) -> Staff:
        return cls(
            hank=user("hank", Role.HANDLER, "public-works"),
            holly=user("holly", Role.HANDLER, "pw-maintenance"),
            sue=user("sue", Role.SUPERVISOR, "public-works"),
            dora=user("dora", Role.HANDLER, "district-fengshan"),
            connie=user("connie", Role.CONTROLLER, "rdec"),
            mia=user("mia", Role.MAYOR_VIEWER, "secretariat"),
            amy=user("amy", Role.AGENT, "rdec"),
        )


_counter = iter(range(1, 10**9))


def item(
    *,
    owner: str = "public-works",
    received_at: datetime | None = None,
    time_limit: int = 6,
    kind: str = "sample",
    by: User | None = None,
) -> TrackedItem:
    received = received_at or taipei(2026, 11, 2)
    with clock.frozen(received):
        return services.item_create(
            kind=kind,
            number=f"T{next(_counter):07d}",
            title="測試列管事項",
            owner_agency=agency(owner),
            by=by,
            received_at=received,
            time_limit=time_limit,
        )
