from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "portal.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .pagecache import install_write_watch

        # Every write to the portal's tables, from any process, refreshes the page cache.
        connection_created.connect(install_write_watch, dispatch_uid="portal-page-cache")
