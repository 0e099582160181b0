from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse

from .selectors import user_memberships


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """After sign-in, someone without an organisation is asked to create or join one."""
        url = super().get_login_redirect_url(request)
        user: Any = request.user
        if url == reverse("accounts:dashboard") and not user_memberships(user):
            return reverse("accounts:onboarding")
        return url
