from django.urls import path

from . import views, views_mail, views_privacy

app_name = "accounts"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("welcome/", views.onboarding, name="onboarding"),
    path("profile/", views.profile, name="profile"),
    path("profile/mail/", views_mail.mail_preferences, name="mail_preferences"),
    path("mail/undelivered/", views_mail.undelivered_mail, name="undelivered_mail"),
    path("mail/<int:pk>/retry/", views_mail.mail_retry, name="mail_retry"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/join/", views.join_request_create, name="join_request_create"),
    path("join-requests/<int:pk>/decide/", views.join_request_decide, name="join_request_decide"),
    path(
        "join-requests/<int:pk>/withdraw/",
        views.join_request_withdraw,
        name="join_request_withdraw",
    ),
    path("memberships/<int:pk>/role/", views.membership_role, name="membership_role"),
    path("memberships/<int:pk>/remove/", views.membership_remove, name="membership_remove"),
    path("privacy/", views_privacy.privacy, name="privacy"),
    path("privacy/export.json", views_privacy.privacy_export, name="privacy_export"),
    path("privacy/close/", views_privacy.privacy_close, name="privacy_close"),
    path("privacy/closed/", views_privacy.privacy_closed, name="privacy_closed"),
]
