"""Staff pages, under /hotline/."""

from django.urls import path

from yankao.hotline import views

app_name = "hotline"
urlpatterns = [
    path("", views.console, name="console"),
    path("knowledge/", views.knowledge_results, name="knowledge"),
    path("calls/", views.call_list, name="calls"),
    path("calls/<id:pk>/", views.call_detail, name="call"),
    path("calls/<id:pk>/number/", views.call_number, name="call-number"),
    path("statistics/", views.statistics, name="statistics"),
]
