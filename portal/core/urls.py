from django.urls import path

from . import views, views_audit, views_bench, views_csp, views_privacy

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views_privacy.accessibility_statement, name="accessibility"),
    path("privacy/", views_privacy.privacy_notice, name="privacy"),
    path("language/", views.set_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("audit/", views_audit.audit_log, name="audit_log"),
    path("audit/export.csv", views_audit.audit_log_export, name="audit_log_export"),
    path("csp-report", views_csp.csp_report, name="csp_report"),
    path("_ceiling/", views_bench.ceiling, name="ceiling"),
]
