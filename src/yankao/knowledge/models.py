"""The knowledge base (知識庫): answers to the questions citizens ask, each owned by
the agency that knows the matter, with every approved version kept."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """A heading of the knowledge base (交通, 環保, …): a short list kept as data."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("knowledge category")
        verbose_name_plural = _("knowledge categories")
        ordering = ["sort_order", "key"]

    def __str__(self) -> str:
        return self.name


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class Article(models.Model):
    """A question and its answer. The fields hold the published version (or, until
    the first approval, the draft); each edit is an ArticleVersion awaiting the
    supervisor's approval."""

    owner = models.ForeignKey(
        "organisation.Agency",
        verbose_name=_("owning agency"),
        on_delete=models.PROTECT,
        related_name="knowledge_articles",
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="articles"
    )
    question = models.CharField(_("question"), max_length=200)
    answer = models.TextField(_("answer"))
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    review_on = models.DateField(_("review by"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("published version"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge articles")
        ordering = ["question", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ArticleStatus.values), name="article_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=ArticleStatus.DRAFT) | Q(version__gt=0),
                name="article_published_has_version",
            ),
        ]
        indexes = [models.Index(fields=["owner", "status"], name="article_owner_status")]

    def __str__(self) -> str:
        return self.question


class ArticleVersion(models.Model):
    """A full snapshot of an article as written by its author; approved versions
    are what the article showed from `approved_at` on."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    question = models.CharField(_("question"), max_length=200)
    answer = models.TextField(_("answer"))
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="+"
    )
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    review_on = models.DateField(_("review by"), null=True, blank=True)
    change_note = models.CharField(_("what changed"), max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_version_once"),
            models.UniqueConstraint(
                fields=["article"],
                condition=Q(approved_at__isnull=True),
                name="article_one_pending_version",
            ),
            models.CheckConstraint(
                condition=Q(approved_at__isnull=True) | Q(approved_by__isnull=False),
                name="article_version_approval_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.number}"

    @property
    def is_pending(self) -> bool:
        return self.approved_at is None
