"""Double submits of "new" forms: the form carries a hidden token, the create keeps it in its
audit row (`data={"client_token": ...}`), and the same token again from the same person returns
the row the first request made instead of a second one.

- `form_token`: the posted token, trimmed to the length the audit row keeps.
- `created_before`: the row an earlier request created with the same token, if any.
"""

from typing import Any, TypeVar

from django.db import models

from portal.accounts.models import User

from .models import AuditEvent

M = TypeVar("M", bound=models.Model)

TOKEN_MAX = 64


def form_token(value: Any, *, limit: int = TOKEN_MAX) -> str:
    """The posted `value` as a token: text, stripped, at most `limit` characters ("" for none)."""
    return str(value or "").strip()[:limit]


def created_before(model: type[M], *, actor: Any, action: str, client_token: str) -> M | None:
    """The row an earlier request of `actor` created with the same form token, if any.

    The token (a hidden field of the "new" form) is kept in the create's audit row under
    `action`. The actor's own row is locked first, so two POSTs of the same form at once are
    serialised: the second waits for the first to commit and then finds its audit row. Call
    inside the transaction.
    """
    if not client_token or not getattr(actor, "pk", None):
        return None
    User.objects.select_for_update().filter(pk=actor.pk).values_list("pk", flat=True).first()
    target_id = (
        AuditEvent.objects.filter(
            action=action,
            actor_id=actor.pk,
            target_type=model._meta.label_lower,
            data__client_token=client_token,
        )
        .order_by("-id")
        .values_list("target_id", flat=True)
        .first()
    )
    if target_id is None:
        return None
    manager: Any = model._default_manager
    found: M | None = manager.filter(pk=int(target_id)).first()
    return found
