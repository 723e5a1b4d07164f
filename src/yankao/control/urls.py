from django.urls import path

from yankao.control import views

app_name = "control"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("months/lock/", views.month_lock, name="month-lock"),
    path("months/unlock/", views.month_unlock, name="month-unlock"),
    path("programmes/", views.programme_list, name="programmes"),
    path("programmes/new/", views.programme_new, name="programme-new"),
    path("programmes/<id:pk>/", views.programme_detail, name="programme"),
    path("programmes/<id:pk>/budget/", views.programme_budget, name="budget"),
    path("programmes/<id:pk>/curve/", views.programme_curve, name="curve"),
    path("programmes/<id:pk>/milestones/new/", views.milestone_new, name="milestone-new"),
    path("programmes/<id:pk>/progress/", views.progress, name="progress"),
    path("milestones/<id:pk>/", views.milestone_detail, name="milestone"),
    path("milestones/<id:pk>/complete/", views.milestone_complete, name="milestone-complete"),
]
