"""Staff pages, under /petitions/."""

from django.urls import path

from yankao.petitions import views

app_name = "petitions"
urlpatterns = [
    path("new/", views.intake, name="intake"),
    path("<id:pk>/", views.petition_detail, name="petition"),
    path("<id:pk>/personal-data/", views.petition_personal_data, name="personal-data"),
    path("<id:pk>/close-unhandled/", views.petition_close_unhandled, name="close-unhandled"),
    path(
        "<id:pk>/attachments/<id:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path("<id:pk>/letter/", views.reply_letter, name="letter"),
    path("<id:pk>/relations/", views.petition_relate, name="relate"),
    path("<id:pk>/suggestions/", views.petition_suggestions, name="suggestions"),
]

# The monthly performance report (yankao.petitions.reports).
from yankao.petitions.reports import views as report_views  # noqa: E402

urlpatterns += [
    path("reports/monthly/", report_views.monthly_report, name="report-monthly"),
]

# The agency petition worklist, with bulk assigning and approving (yankao.petitions.worklist).
from yankao.petitions import worklist  # noqa: E402

urlpatterns += [
    path("", worklist.petition_worklist_page, name="worklist"),
    path("bulk/", worklist.petition_worklist_bulk, name="worklist-bulk"),
]
