from datetime import datetime

from django.db import transaction

from yankao.accounts.models import User
from yankao.control.models import Directive
from yankao.core import clock
from yankao.core.numbering import DIRECTIVE_NUMBERS
from yankao.organisation.models import Agency
from yankao.tracking.services import item_create


@transaction.atomic
def directive_create(
    *,
    by: User | None,
    owner_agency: Agency,
    title: str,
    instruction: str,
    source: str,
    time_limit: int | None = None,
    received_at: datetime | None = None,
) -> Directive:
    """Register a directive of the mayor and put the responsible agency on the clock.
    Numbers read 指115-000001: the ROC year and a sequence within it."""
    received = received_at or clock.now()
    item = item_create(
        kind="directive",
        number=DIRECTIVE_NUMBERS.next(received),
        title=title,
        owner_agency=owner_agency,
        by=by,
        received_at=received,
        time_limit=time_limit,
        reason=source,
    )
    return Directive.objects.create(item=item, source=source, instruction=instruction)
