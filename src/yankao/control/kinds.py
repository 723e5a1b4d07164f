from django.utils.translation import gettext_lazy as _

from yankao.tracking.kinds import ItemKind

# Directives are answered within 10 working days and need the supervisor's
# approval before the agency reports back; the commission hears of them 3 working
# days after the deadline.
DIRECTIVE = ItemKind(
    key="directive",
    label=_("Mayor's directive"),
    default_time_limit=10,
    reply_needs_approval=True,
    commission_escalation_after=3,
)
