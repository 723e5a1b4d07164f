from django.contrib import admin
from django.urls import include, path

from yankao.accounts.views import admin_login
from yankao.api import api
from yankao.tracking.views import home

urlpatterns = [
    path("", home, name="home"),
    path("", include("yankao.core.urls")),
    path("accounts/", include("yankao.accounts.urls")),
    path("tracking/", include("yankao.tracking.urls")),
    path("petitions/", include("yankao.petitions.urls")),
    path("dispatch/", include("yankao.dispatch.urls")),
    path("control/", include("yankao.control.urls")),
    path("hotline/", include("yankao.hotline.urls")),
    path("mailbox/", include("yankao.petitions.mailbox_urls")),
    path("legal/", include("yankao.legal.urls")),
    path("open311/v2/", include("yankao.open311.urls")),
    path("knowledge/", include("yankao.knowledge.urls")),
    path("search/", include("yankao.petitions.past_cases_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    # Before the admin's own: the admin signs in through the staff sign-in.
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
]
