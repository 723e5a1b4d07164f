"""One index row per searchable thing (an article, a petition, …), whatever app
owns it. The full-text machinery sits beside this table and follows it inside the
database: an FTS5 table kept by triggers on SQLite, a generated tsvector column
with a GIN index on PostgreSQL (see the migrations and docs/adr/0006)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    source = models.CharField(_("source"), max_length=20)
    object_id = models.BigIntegerField(_("object id"))
    agency = models.ForeignKey(
        "organisation.Agency",
        verbose_name=_("owning agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    agency_path = models.CharField(_("owning agency path"), max_length=500, blank=True)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    day = models.DateField(_("date"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # The tokens (yankao.search.text) joined by spaces: what the full-text index reads.
    title_tokens = models.TextField(blank=True)
    body_tokens = models.TextField(blank=True)
    # The owning agency as tokens, and the row's key in the full-text index
    # (yankao.search.scope).
    scope_tokens = models.TextField(blank=True)
    fts_key = models.BigIntegerField(unique=True)

    class Meta:
        db_table = "search_document"
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(fields=["source", "object_id"], name="search_document_once"),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.object_id}"
