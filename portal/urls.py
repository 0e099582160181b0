from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

# The Django admin signs in through allauth, so it gets the same rate limits and MFA.
admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Innovation Accelerator"

urlpatterns = [
    path("", include("portal.core.urls")),
    path("accounts/", include("allauth.urls")),
    path("me/", include("portal.accounts.urls")),
    path("regions/", include("regions.urls")),
    path("partnerships/", include("partnerships.urls")),
    path("obstacles/", include("obstacles.urls")),
    path("events/", include("dissemination.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "portal.core.views.error_403"
handler404 = "portal.core.views.error_404"
# allauth's rate limits answer with it (sign-in, sign-up, password and email changes).
handler429 = "portal.core.views.error_429"
handler500 = "portal.core.views.error_500"
