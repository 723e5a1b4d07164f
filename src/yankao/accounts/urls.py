from django.contrib.auth import views as auth_views
from django.urls import path

from yankao.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.account, name="account"),
    path("two-factor/start/", views.two_factor_start, name="two-factor-start"),
    path("two-factor/confirm/", views.two_factor_confirm, name="two-factor-confirm"),
    path("two-factor/backup-codes/", views.backup_codes, name="backup-codes"),
    path("two-factor/remove/", views.two_factor_remove, name="two-factor-remove"),
]
