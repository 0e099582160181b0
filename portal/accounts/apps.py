from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self) -> None:
        # Security events for sign-in, passwords, email addresses and MFA (portal.security).
        from . import signals

        signals.connect()
        # Role changes made in the Django admin or a shell are audited too.
        from . import audit_signals  # noqa: F401
