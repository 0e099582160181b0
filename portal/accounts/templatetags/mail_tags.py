"""The profile page's "Mail we could not deliver to you" section."""

from typing import Any

from django import template

from portal.accounts.permissions import is_portal_admin
from portal.core.mail import failure_text
from portal.core.outbox import outbox_undelivered_for_user

register = template.Library()

# The newest rows the profile lists; older ones are counted, not shown.
PROFILE_ROWS = 20


@register.inclusion_tag("accounts/partials/undelivered_mail.html", takes_context=True)
def undelivered_mail(context: template.Context) -> dict[str, Any]:
    """The signed-in person's mail that has not gone out: one query, whatever their number.
    Only their own rows, and never a body. Portal admins also get a link to everyone's."""
    request = context["request"]
    user = request.user
    rows = list(outbox_undelivered_for_user(user=user)[: PROFILE_ROWS + 1])
    for mail in rows:
        mail.reason = failure_text(mail.last_error)  # type: ignore[attr-defined]
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "rows": rows[:PROFILE_ROWS],
        "more": len(rows) > PROFILE_ROWS,
        "here": request.get_full_path(),
        "is_portal_admin": is_portal_admin(user),
    }
