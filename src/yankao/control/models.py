"""Control and evaluation (管制考核): the mayor's directives, as tracked items, and
the registry of tracked programmes (計畫列管) with their budgets, planned S-curves,
milestones (tracked items too) and monthly progress reports.

This app is the model for every business: its own facts in its own table, a
one-to-one link to the engine's item, a kind registered in apps.py.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from yankao.tracking.models import TrackedItem


class Directive(models.Model):
    """A directive of the mayor (市長指示事項) assigned to an agency for follow-up."""

    item = models.OneToOneField(
        TrackedItem, on_delete=models.PROTECT, related_name="directive", primary_key=True
    )
    source = models.CharField(_("meeting or occasion"), max_length=200)
    instruction = models.TextField(_("instruction"))

    class Meta:
        verbose_name = _("mayor's directive")
        verbose_name_plural = _("mayor's directives")

    def __str__(self) -> str:
        return self.item.number


# --- programme control (計畫列管, docs/adr/0026) --------------------------------------------


class ProgrammeKind(models.TextChoices):
    """The registries the commission keeps, each with its own rules of reporting."""

    POLICY_PLAN = "policy_plan", _("Annual policy plan item")  # 施政計畫列管
    INFRASTRUCTURE_GRANT = "infrastructure_grant", _("Basic-infrastructure grant")  # 基本設施補助
    FORWARD_LOOKING = "forward_looking", _("Forward-looking infrastructure")  # 前瞻基礎建設
    SELF_CONTROLLED = "self_controlled", _("Self-controlled programme")  # 自行列管
    WORKS = "works", _("Works project")  # 工程計畫


class ControlLevel(models.TextChoices):
    EXECUTIVE_YUAN = "executive_yuan", _("Executive Yuan control")  # 院管制
    MINISTRY = "ministry", _("Ministry control")  # 部會管制
    SELF = "self", _("Self control")  # 自行管制


class FundingSource(models.TextChoices):
    CITY = "city", _("City budget")  # 市款
    CENTRAL_GRANT = "central_grant", _("Central government grant")  # 中央補助款
    SPECIAL_BUDGET = "special_budget", _("Special budget")  # 特別預算
    OTHER = "other", _("Other funds")  # 其他


class Light(models.TextChoices):
    """A programme's traffic light (燈號), from the rule in control/lights.py."""

    GREEN = "green", _("On track")
    YELLOW = "yellow", _("Lagging")
    RED = "red", _("Seriously lagging")
    NONE = "none", _("Not yet reported")


class Pillar(models.Model):
    """One of the mayor's policy pillars (施政綱領), e.g. 首富經濟: city data."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=40)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("policy pillar")
        verbose_name_plural = _("policy pillars")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Pledge(models.Model):
    """One of the mayor's pledges (政見), under a pillar: city data."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    pillar = models.ForeignKey(
        Pillar, verbose_name=_("pillar"), on_delete=models.PROTECT, related_name="pledges"
    )
    name = models.CharField(_("name"), max_length=100)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("mayor's pledge")
        verbose_name_plural = _("mayor's pledges")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Programme(models.Model):
    """A tracked programme (列管計畫): owned by an agency, reported on monthly.

    The light and the latest report's figures are kept here, written by the
    services in the transaction that changes what they follow (a report, a
    milestone) and by the hourly sweep for what time alone changes (a milestone
    passing its deadline), so lists filter and sort by them in SQL.

    Linked tenders (標案) and their own monthly progress come with works inspection."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=24, choices=ProgrammeKind.choices)
    control_level = models.CharField(
        _("control level"), max_length=20, choices=ControlLevel.choices
    )
    owner_agency = models.ForeignKey(
        "organisation.Agency",
        verbose_name=_("responsible agency"),
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    pillar = models.ForeignKey(
        Pillar,
        verbose_name=_("policy pillar"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    pledge = models.ForeignKey(
        Pledge,
        verbose_name=_("mayor's pledge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    summary = models.TextField(_("aims and content"), blank=True)
    external_code = models.CharField(
        _("code in the central system"),
        max_length=40,
        blank=True,
        help_text=_("The programme's number in the central government's system, if any."),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    light = models.CharField(_("light"), max_length=10, choices=Light.choices, default=Light.NONE)
    light_reasons = models.JSONField(_("reasons for the light"), default=list, blank=True)
    latest_month = models.DateField(_("latest month reported"), null=True, blank=True)
    latest_planned = models.DecimalField(
        _("planned progress (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    latest_actual = models.DecimalField(
        _("actual progress (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    latest_execution = models.DecimalField(
        _("budget execution (%)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    created_at = models.DateTimeField(_("registered at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("tracked programme")
        verbose_name_plural = _("tracked programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="programme_dates_in_order"
            ),
            models.CheckConstraint(
                condition=Q(light__in=Light.values), name="programme_light_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["owner_agency", "light"], name="programme_agency_light"),
            models.Index(fields=["light"], name="programme_light"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ProgrammeBudget(models.Model):
    """The programme's budget for one year from one source, in whole NT dollars."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="budget")
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=20, choices=FundingSource.choices)
    amount = models.PositiveBigIntegerField(_("amount (NT$)"))

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["year", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year", "source"], name="budget_once_per_year_and_source"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="budget_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.year} {self.source} {self.amount}"


class PlannedPoint(models.Model):
    """One month of the planned S-curve: the cumulative physical progress planned by
    the end of that month, in percent."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="planned_points"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    percent = models.DecimalField(_("planned progress (%)"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("planned progress")
        verbose_name_plural = _("planned progress")
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "month"], name="planned_once_a_month"),
            models.CheckConstraint(
                condition=Q(percent__gte=0, percent__lte=100), name="planned_percent_range"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="planned_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.month:%Y-%m} {self.percent}"


class Milestone(models.Model):
    """A milestone (里程碑) of a programme: a tracked item of the engine (kind
    "milestone") due at the end of its planned day, completed by the responsible
    agency with the evidence that its verification criteria are met."""

    item = models.OneToOneField(
        TrackedItem, on_delete=models.PROTECT, related_name="milestone", primary_key=True
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="milestones"
    )
    sequence = models.PositiveSmallIntegerField(_("sequence"))
    planned_date = models.DateField(_("planned date"))
    criteria = models.TextField(_("verification criteria"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["planned_date", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "sequence"], name="milestone_sequence_unique"
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True, evidence="")
                | (Q(completed_on__isnull=False) & ~Q(evidence="")),
                name="milestone_completed_with_evidence",
            ),
        ]

    def __str__(self) -> str:
        return self.item.number


class ProgressReport(models.Model):
    """The responsible agency's report on one month of a programme (每月進度填報):
    progress and budget figures as of the end of the month, what was done, and why
    it lags when it does. One per programme and month; revised until the commission
    locks the month."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="reports"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month reported."))
    planned_percent = models.DecimalField(
        _("planned progress (%)"),
        max_digits=5,
        decimal_places=2,
        help_text=_("The planned curve's value for the month when the report was made."),
    )
    actual_percent = models.DecimalField(_("actual progress (%)"), max_digits=5, decimal_places=2)
    budget_allocated = models.PositiveBigIntegerField(_("budget allocated this year to date (NT$)"))
    budget_executed = models.PositiveBigIntegerField(_("budget executed this year to date (NT$)"))
    execution_rate = models.DecimalField(
        _("budget execution (%)"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    work_done = models.TextField(_("work done"))
    problems = models.TextField(_("problems met"), blank=True)
    lag_reason = models.TextField(_("reason for the lag"), blank=True)
    remedy = models.TextField(_("remedy"), blank=True)
    decrease_reason = models.TextField(_("why progress is lower than last month"), blank=True)
    light = models.CharField(_("light"), max_length=10, choices=Light.choices)
    light_reasons = models.JSONField(_("reasons for the light"), default=list, blank=True)
    due_at = models.DateTimeField(_("due at"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    revised_at = models.DateTimeField(_("last revised at"), null=True, blank=True)
    revised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last revised by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revision = models.PositiveIntegerField(_("revision"), default=1)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "month"], name="report_once_a_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="report_month_first_day"),
            models.CheckConstraint(
                condition=Q(actual_percent__gte=0, actual_percent__lte=100),
                name="report_actual_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(planned_percent__gte=0, planned_percent__lte=100),
                name="report_planned_percent_range",
            ),
            models.CheckConstraint(condition=~Q(work_done=""), name="report_says_what_was_done"),
        ]
        indexes = [models.Index(fields=["month", "programme"], name="report_month")]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.month:%Y-%m}"

    @property
    def gap(self) -> Decimal:
        """Percentage points behind plan (negative: ahead)."""
        return self.planned_percent - self.actual_percent

    @property
    def late(self) -> bool:
        return self.submitted_at > self.due_at


class MonthLock(models.Model):
    """The commission's lock on a month's reports: once locked, no report of that
    month is made or revised. An unlock keeps the row, with who and why."""

    month = models.DateField(_("month"))
    locked_at = models.DateTimeField(_("locked at"))
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("locked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    unlocked_at = models.DateTimeField(_("unlocked at"), null=True, blank=True)
    unlocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("unlocked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unlock_reason = models.TextField(_("reason for unlocking"), blank=True)

    class Meta:
        verbose_name = _("locked month")
        verbose_name_plural = _("locked months")
        ordering = ["-month", "-locked_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["month"], condition=Q(unlocked_at__isnull=True), name="month_locked_once"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="lock_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class ProgrammeAction(models.TextChoices):
    CREATE = "create", _("Registered")
    BUDGET = "budget", _("Budget set")
    CURVE = "curve", _("Planned curve set")
    MILESTONE_ADD = "milestone_add", _("Milestone added")
    MILESTONE_COMPLETE = "milestone_complete", _("Milestone completed")
    REPORT = "report", _("Monthly progress reported")
    REPORT_REVISE = "report_revise", _("Monthly report revised")
    LIGHT = "light", _("Light changed")


class ProgrammeEvent(models.Model):
    """One entry of a programme's history: who did what, when, for which month."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=24, choices=ProgrammeAction.choices)
    month = models.DateField(_("month"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("programme history entry")
        verbose_name_plural = _("programme history entries")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["programme", "at"], name="programme_event_at")]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.action} {self.at:%Y-%m-%d %H:%M}"
