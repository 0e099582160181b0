from typing import Any

from django.http import HttpRequest

from portal.accounts.selectors import user_menu_context


def portal(request: HttpRequest) -> dict[str, Any]:
    """What the shared layout needs on every page: the user menu's organisations and roles."""
    return user_menu_context(request.user)
