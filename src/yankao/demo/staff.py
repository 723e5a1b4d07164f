"""The demo city's staff: one sign-in per role, fixed names, demo-only passwords."""

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count

from yankao.accounts.models import User
from yankao.accounts.roles import Role
from yankao.organisation.models import Agency
from yankao.tracking.models import TrackedItem

# Known to everyone who reads this file, so it is set only when YANKAO_DEMO=1.
DEMO_PASSWORD = "demo-Kaohsiung-1999"  # noqa: S105 - demo mode only


@lru_cache(maxsize=2)
def _password_hash(demo: bool) -> str:
    """Hash the demo password once (argon2 is slow on purpose), or an unusable one."""
    return make_password(DEMO_PASSWORD if demo else None)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    role: str
    agency_key: str | None


DEMO_LOGINS = [
    DemoLogin("agent", "陳怡君", Role.AGENT, "rdec"),
    DemoLogin("handler", "林志明", Role.HANDLER, "public-works"),
    DemoLogin("handler-district", "黃淑芬", Role.HANDLER, "district-fengshan"),
    DemoLogin("supervisor", "張家豪", Role.SUPERVISOR, "public-works"),
    DemoLogin("controller", "王美玲", Role.CONTROLLER, "rdec"),
    DemoLogin("inspector", "李建宏", Role.INSPECTOR, "rdec"),
    DemoLogin("mayor", "吳雅婷", Role.MAYOR_VIEWER, "secretariat"),
    DemoLogin("admin", "系統管理員", Role.ADMIN, "rdec"),
]


def staff_create(*, demo_passwords: bool | None = None) -> list[User]:
    """Create (or update) the demo staff. Passwords are set only in demo mode;
    elsewhere the accounts exist without a usable password."""
    if demo_passwords is None:
        demo_passwords = settings.DEMO
    if demo_passwords and not settings.DEMO:
        raise ImproperlyConfigured("Demo passwords can only be set with YANKAO_DEMO=1.")
    agencies = {a.key: a for a in Agency.objects.all()}
    users = []
    for login in DEMO_LOGINS:
        user, _ = User.objects.update_or_create(
            username=login.username,
            defaults={
                "full_name": login.full_name,
                "role": login.role,
                "agency": agencies.get(login.agency_key or ""),
                "email": f"{login.username}@demo.yankao.invalid",
                "is_staff": login.role == Role.ADMIN,
                "is_superuser": login.role == Role.ADMIN,
            },
        )
        user.password = _password_hash(demo_passwords)
        user.save()
        users.append(user)
    return users


SURNAMES = (
    "陳林黃張李王吳劉蔡楊許鄭謝洪郭邱曾廖賴徐周葉蘇莊呂江何蕭羅高潘簡朱鍾彭游詹胡施沈余盧梁趙顏柯翁"
)
GIVEN = [
    "志明",
    "淑芬",
    "家豪",
    "雅婷",
    "建宏",
    "美玲",
    "俊傑",
    "怡君",
    "宗翰",
    "佩珊",
    "冠宇",
    "欣怡",
]


def agency_staff_create(*, demo_passwords: bool | None = None) -> int:
    """A handler and a supervisor for every agency that has no handler, named
    deterministically, so every agency in the demo can work its items."""
    if demo_passwords is None:
        demo_passwords = settings.DEMO
    created = 0
    for index, agency in enumerate(Agency.objects.exclude(staff__role=Role.HANDLER).order_by("pk")):
        for offset, role in enumerate((Role.HANDLER, Role.SUPERVISOR)):
            number = index * 2 + offset
            user = User(
                username=f"{agency.key}-{role}",
                full_name=SURNAMES[number % len(SURNAMES)] + GIVEN[number % len(GIVEN)],
                role=role,
                agency=agency,
                email=f"{agency.key}-{role}@demo.yankao.invalid",
            )
            user.password = _password_hash(demo_passwords)
            user.save()
            created += 1
    return created


def busiest_handler() -> User | None:
    """A handler of the agency with the most open tracked items: the sign-in that
    shows the demo's worklists fullest (the demo `handler` works for a bureau, and
    most cases go to the offices under it)."""
    busiest = (
        TrackedItem.objects.filter(closed_at__isnull=True)
        .values("owner_agency")
        .annotate(open=Count("pk"))
        .order_by("-open", "owner_agency")
        .first()
    )
    if busiest is None:
        return None
    return (
        User.objects.filter(agency_id=busiest["owner_agency"], role=Role.HANDLER, is_active=True)
        .select_related("agency")
        .order_by("pk")
        .first()
    )
