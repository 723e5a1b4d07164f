"""The demo knowledge base: about 150 articles written and approved through the
real services by each agency's own staff, and bulk articles for scale."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from yankao.accounts.models import User
from yankao.accounts.roles import Role
from yankao.knowledge import services
from yankao.knowledge.demo_articles import ARTICLES, DISTRICT_TOPICS
from yankao.knowledge.models import Article, ArticleStatus, ArticleVersion, Category
from yankao.organisation.models import Agency, District
from yankao.search.services import reindex

BULK_BATCH = 2000


def _staff(agency: Agency) -> tuple[User | None, User | None]:
    """A writer of the agency, and a supervisor of it or of an agency above it."""
    writer = (
        User.objects.filter(agency=agency, role__in=[Role.HANDLER, Role.SUPERVISOR], is_active=True)
        .order_by("role", "pk")
        .first()
    )
    ancestors = [p for p in agency.path.split("/") if p]
    approver = (
        User.objects.filter(role=Role.SUPERVISOR, is_active=True, agency__key__in=ancestors)
        .order_by("-agency__path", "pk")
        .first()
    )
    return writer, approver


def _rows() -> list[tuple[str, str, str, str, str]]:
    rows = list(ARTICLES)
    for district in District.objects.select_related("office").order_by("sort_order"):
        for category, question, answer, keywords in DISTRICT_TOPICS:
            values = {"district": district.name, "office": district.office.name}
            rows.append(
                (
                    district.office.key,
                    category,
                    question.format(**values),
                    answer.format(**values),
                    keywords.format(**values),
                )
            )
    return rows


def articles_seed(
    *, seed: int = 1150101, progress: Callable[[int], object] = lambda n: None
) -> int:
    """Write and approve the demo articles (skipping those already there). Some are
    due for review soon, a few expired (the 109 school year), one waits for
    approval of a second version."""
    rng = random.Random(seed)  # noqa: S311 - demo data must be repeatable
    today = timezone.localdate()
    categories = {c.key: c for c in Category.objects.all()}
    agencies = {a.key: a for a in Agency.objects.all()}
    existing = set(Article.objects.values_list("question", flat=True))
    made = 0
    for owner_key, category_key, question, answer, keywords in _rows():
        progress(1)
        agency = agencies.get(owner_key)
        if agency is None or question in existing:
            continue
        writer, approver = _staff(agency)
        if writer is None or approver is None:
            continue
        expired = "109學年度" in question
        fields = services.ArticleFields(
            question=question,
            answer=answer,
            category=categories[category_key],
            keywords=keywords,
            valid_until=today - timedelta(days=rng.randrange(30, 400)) if expired else None,
            review_on=None if expired else today + timedelta(days=rng.randrange(-20, 365)),
        )
        article = services.article_create(by=writer, owner=agency, fields=fields)
        services.article_approve(article=article, by=approver)
        made += 1
    _second_version_pending(categories)
    return made


def _second_version_pending(categories: dict[str, Category]) -> None:
    article = (
        Article.objects.filter(question="路燈不亮要怎麼報修？").select_related("owner").first()
    )
    if article is None or article.versions.filter(approved_at__isnull=True).exists():
        return
    writer, _ = _staff(article.owner)
    if writer is None:
        return
    services.article_draft_save(
        article=article,
        by=writer,
        fields=services.ArticleFields(
            question=article.question,
            answer=article.answer.replace("原則於3日內", "原則於2日內"),
            category=article.category,
            keywords=article.keywords,
            valid_until=article.valid_until,
            review_on=article.review_on,
        ),
        change_note="修復期限縮短為2日",
    )


_TOPICS = [
    "路燈",
    "坑洞",
    "停車",
    "垃圾清運",
    "噪音",
    "流浪犬",
    "停水",
    "房屋稅",
    "戶籍",
    "颱風",
    "1999",
    "補助",
]
_PLACES = [
    "三民區",
    "鳳山區",
    "左營區",
    "前鎮區",
    "苓雅區",
    "楠梓區",
    "岡山區",
    "旗山區",
    "美濃區",
    "小港區",
]
_ASKS = ["如何申請", "要找哪個單位", "多久處理", "需要準備什麼", "費用多少", "可以線上辦理嗎"]


def bulk_articles_seed(
    *, count: int, seed: int = 1150101, progress: Callable[[int], object] = lambda n: None
) -> int:
    """Write `count` published articles in bulk (one approved version each), then
    index them: for measuring search at scale."""
    rng = random.Random(seed)  # noqa: S311 - demo data must be repeatable
    owners = list(Agency.objects.filter(is_active=True).values_list("pk", flat=True))
    categories = list(Category.objects.values_list("pk", flat=True))
    approver = User.objects.filter(role=Role.SUPERVISOR).order_by("pk").first()
    now = timezone.now()
    for offset in range(0, count, BULK_BATCH):
        size = min(BULK_BATCH, count - offset)
        articles = []
        for n in range(offset, offset + size):
            topic, place, ask = rng.choice(_TOPICS), rng.choice(_PLACES), rng.choice(_ASKS)
            articles.append(
                Article(
                    owner_id=rng.choice(owners),
                    category_id=rng.choice(categories),
                    question=f"{place}{topic}{ask}？（第{n + 1}則）",
                    answer=(
                        f"有關{place}{topic}事項，請撥打1999或洽權責機關。"
                        f"民眾{ask.replace('嗎', '')}，可上市府網站查詢，"
                        f"編號{rng.randrange(10**6):06d}。"
                    ),
                    keywords=topic,
                    status=ArticleStatus.PUBLISHED,
                    version=1,
                )
            )
        with transaction.atomic():
            Article.objects.bulk_create(articles)
            ArticleVersion.objects.bulk_create(
                ArticleVersion(
                    article=article,
                    number=1,
                    question=article.question,
                    answer=article.answer,
                    category_id=article.category_id,
                    keywords=article.keywords,
                    author=approver,
                    approved_by=approver,
                    approved_at=now,
                )
                for article in articles
            )
        progress(size)
    reindex(source="article")
    return count


def knowledge_seed_for_command(*, demo: bool, bulk: int, seed: int) -> list[str]:
    """What `yankao seed` runs for the knowledge base, and the lines it prints."""
    from tqdm import tqdm

    lines = []
    if demo:
        lines.append(f"Knowledge articles: {articles_seed(seed=seed)}.")
    if bulk:
        with tqdm(total=bulk, desc="bulk articles", unit="article") as bar:
            made = bulk_articles_seed(count=bulk, seed=seed, progress=bar.update)
        lines.append(f"Bulk knowledge articles: {made}.")
    return lines
