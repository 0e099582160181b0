from django.apps import AppConfig


class DisseminationConfig(AppConfig):
    name = "dissemination"
    default_auto_field = "django.db.models.BigAutoField"
