from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "yankao.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        from yankao.knowledge.search import ARTICLES
        from yankao.search import sources

        sources.register(ARTICLES)
