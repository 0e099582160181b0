from django.apps import AppConfig


class ObstaclesConfig(AppConfig):
    name = "obstacles"
    default_auto_field = "django.db.models.BigAutoField"
