"""Staff pages, under /petitions/."""

from django.urls import path

from yankao.petitions import views

app_name = "petitions"
urlpatterns = [
    path("new/", views.intake, name="intake"),
    path("<int:pk>/", views.petition_detail, name="petition"),
    path("<int:pk>/personal-data/", views.petition_personal_data, name="personal-data"),
    path("<int:pk>/close-unhandled/", views.petition_close_unhandled, name="close-unhandled"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path("<int:pk>/letter/", views.reply_letter, name="letter"),
    path("<int:pk>/relations/", views.petition_relate, name="relate"),
    path("<int:pk>/suggestions/", views.petition_suggestions, name="suggestions"),
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
