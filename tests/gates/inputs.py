"""What the gates ask each route and operation with: the values of route
parameters (agency A's objects), what a citizen sends where they hold a code, and
valid inputs for each API operation, so that an answer says who may, not what is
malformed."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tests.control.factories import PLAN_2026
from tests.gates.conftest import AgencyA

# --- what each route is asked with ----------------------------------------------------------


def page_values(objects: AgencyA) -> dict[tuple[str, str], Any]:
    """The value of each route parameter, by the route's namespace and its name, or
    by the route's own key and the name where a namespace's routes name two kinds
    of object alike (the route's own key is looked up first)."""
    petition = objects.petition
    return {
        ("control", "pk"): objects.programme.pk,
        ("control:milestone", "pk"): objects.milestone.pk,
        ("control:milestone-complete", "pk"): objects.milestone.pk,
        ("petitions", "pk"): petition.pk,
        ("petitions", "attachment_pk"): objects.attachment.pk,
        ("dispatch", "pk"): objects.ticket.pk,
        ("dispatch", "photo_pk"): objects.photo.pk,
        ("hotline", "pk"): objects.call.pk,
        ("knowledge", "pk"): objects.article.pk,
        ("legal", "pk"): objects.session.pk,
        ("legal", "booking_pk"): objects.booking.pk,
        ("legal", "key"): objects.venue.key,
        ("tracking", "pk"): petition.pk,
        ("tracking", "action"): "accept",
        ("mailbox", "token"): objects.mailbox_token,
        ("open311", "fmt"): "json",
        ("open311", "code"): "P-0103",
        ("open311", "request_id"): objects.open311_request,
        ("open311", "token"): objects.open311_token,
        ("open311", "rest"): "no-such-endpoint",
    }


def citizen_posts(objects: AgencyA) -> dict[str, dict[str, Any]]:
    """What the citizen sends where they hold a code; nobody else sends it."""
    number, code = objects.petition.item.number, objects.petition_code
    booking, booking_code = objects.booking.number, objects.booking_code
    return {
        "mailbox:track": {"number": number, "code": code},
        "mailbox:rate": {"number": number, "code": code, "score": "5", "comment": "謝謝"},
        "legal:look-up": {"number": booking, "code": booking_code},
        "legal:cancel": {"number": booking, "code": booking_code},
    }


def api_inputs(objects: AgencyA) -> dict[str, dict[str, Any]]:
    """What each operation is asked with: its path parameters, a query and a body
    that are valid, so the answer says who may, not what is malformed."""
    petition, ticket = objects.petition, objects.ticket
    today = timezone.localdate().isoformat()
    petition_body = {
        "channel": "phone",
        "category": "0103",
        "subject": "路燈不亮",
        "content": "光復路二段路燈不亮。",
        "petitioner_phone": "0912-345-678",
    }
    return {
        "GET /api/v1/calendar/days/{day}": {"path": {"day": today}},
        "GET /api/v1/calendar/deadline": {"query": {"start": today, "working_days": 6}},
        "GET /api/v1/items/{item_id}": {"path": {"item_id": petition.pk}},
        "POST /api/v1/items/{item_id}/actions/{action}": {
            "path": {"item_id": petition.pk, "action": "accept"},
            "json": {"version": petition.item.version},
        },
        "POST /api/v1/petitions": {"json": petition_body},
        "GET /api/v1/petitions/queued/{number}": {"path": {"number": objects.queued_number}},
        "GET /api/v1/petitions/ratings/{rating_id}": {"path": {"rating_id": objects.rated.pk}},
        "GET /api/v1/petitions/{petition_id}": {"path": {"petition_id": petition.pk}},
        "POST /api/v1/petitions/{petition_id}/actions/{action}": {
            "path": {"petition_id": petition.pk, "action": "accept"},
            "json": {"version": petition.item.version},
        },
        "POST /api/v1/tickets": {
            "json": {
                "ticket_class": "101",
                "description": "機車道上有大坑洞",
                "district": "fengshan",
                "latitude": "22.626500",
                "longitude": "120.357800",
            }
        },
        "GET /api/v1/tickets/{ticket_id}": {"path": {"ticket_id": ticket.pk}},
        "POST /api/v1/tickets/{ticket_id}/acknowledge": {
            "path": {"ticket_id": ticket.pk},
            "json": {"version": ticket.item.version},
        },
        "POST /api/v1/tickets/{ticket_id}/report-back": {
            "path": {"ticket_id": ticket.pk},
            "json": {"status_text": "已派員前往", "done": False},
        },
        "POST /api/v1/calls": {
            "json": {
                "agent": "amy",
                "started_at": timezone.localtime().replace(microsecond=0).isoformat(),
                "duration_seconds": 60,
                "outcome": "other",
            }
        },
        "GET /api/v1/calls/statistics": {"query": {"start": today, "end": today}},
        "POST /api/v1/legal/bookings": {
            "json": {
                "session": objects.session.pk,
                "slot": 1,
                "name": "陳大文",
                "phone": "0912-000-111",
                # Where the confirmation code goes when the caller does not run the desk.
                "email": "citizen@example.org",
                "topic": "civil",
                "question": "鄰居漏水不修。",
                "consent": True,
            }
        },
        "POST /api/v1/legal/bookings/{number}/cancel": {
            "path": {"number": objects.booking.number},
            "json": {},
        },
        "GET /api/v1/knowledge/articles/{article_id}": {"path": {"article_id": objects.article.pk}},
        "POST /api/v1/legal/bookings/{number}/confirm": {
            "path": {"number": objects.waiting.number},
            "json": {"code": objects.waiting_code, "confirmation": objects.waiting_confirmation},
        },
        **_programme_inputs(objects),
    }


def _programme_inputs(objects: AgencyA) -> dict[str, dict[str, Any]]:
    """Agency A's 2026 programme (February reported, a milestone planned for the
    end of March): a new programme of its own, a milestone within its dates, March
    reported, February revised, the milestone met on its day."""
    programme, milestone = objects.programme.pk, objects.milestone.pk
    url = "/api/v1/programmes/{programme_id}"
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    figures = {
        "budget_allocated": 1_000_000,
        "budget_executed": 950_000,
        "work_done": "完成路段測量及設計審查。",
        # Given whether or not the month lags: a valid report either way.
        "lag_reason": "設計審查延宕。",
        "remedy": "增派人力趕工。",
    }
    return {
        "POST /api/v1/programmes": {
            "json": {
                "title": "左營區排水改善工程",
                "kind": "works",
                "control_level": "self",
                "owner_agency": "pw-maintenance",
                "start_date": "2026-01-05",
                "end_date": "2026-12-31",
                "budget": [{"year": 2026, "source": "city", "amount": 30_000_000}],
                "planned_curve": [
                    {"month": m, "percent": v} for m, v in zip(months, PLAN_2026, strict=True)
                ],
                "milestones": [
                    {"title": "完成發包", "planned_date": "2026-03-31", "criteria": "決標公告"}
                ],
            }
        },
        f"GET {url}": {"path": {"programme_id": programme}},
        f"GET {url}/milestones": {"path": {"programme_id": programme}},
        f"POST {url}/milestones": {
            "path": {"programme_id": programme},
            "json": {"title": "完成發包", "planned_date": "2026-06-30", "criteria": "決標公告"},
        },
        f"POST {url}/milestones/{{milestone_id}}/complete": {
            "path": {"programme_id": programme, "milestone_id": milestone},
            "json": {"completed_on": "2026-03-31", "evidence": "細部設計報告書審定函"},
        },
        f"GET {url}/progress": {"path": {"programme_id": programme}},
        f"POST {url}/progress": {
            "path": {"programme_id": programme},
            "json": {"month": "2026-03", "actual_percent": "20", **figures},
        },
        f"PUT {url}/progress/{{month}}": {
            "path": {"programme_id": programme, "month": "2026-02"},
            "json": {"actual_percent": "10", "revision": objects.report.revision, **figures},
        },
    }
