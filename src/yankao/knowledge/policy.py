"""Who may do what with knowledge articles. Every active staff member reads the
published answers (the 1999 agents most of all); the owning agency's handlers and
supervisors write drafts; its supervisors approve them; the commission's
controllers read every state, to keep the base in order."""

from __future__ import annotations

from yankao.accounts.models import User
from yankao.accounts.roles import Capability
from yankao.knowledge.models import Article, ArticleStatus
from yankao.organisation.models import Agency
from yankao.organisation.scoping import agency_in_scope


def may_read(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def may_write_for(user: User, agency: Agency) -> bool:
    return (
        may_read(user)
        and user.has_capability(Capability.ITEM_WORK)
        and agency_in_scope(user, agency.pk, agency.path)
    )


def may_write(user: User) -> bool:
    """Whether the user writes for some agency at all (to offer "new article")."""
    return may_read(user) and user.agency is not None and user.has_capability(Capability.ITEM_WORK)


def may_edit(user: User, article: Article) -> bool:
    return may_write_for(user, article.owner) and article.status != ArticleStatus.ARCHIVED


def may_approve(user: User, article: Article) -> bool:
    owner = article.owner
    return (
        may_read(user)
        and user.has_capability(Capability.ITEM_APPROVE)
        and agency_in_scope(user, owner.pk, owner.path)
    )


def may_see_unpublished(user: User, article: Article) -> bool:
    return may_write_for(user, article.owner) or (
        may_read(user) and user.has_capability(Capability.ITEM_OVERSEE)
    )
