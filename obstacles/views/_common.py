"""What the move views of reviewed content (mitigations, knowledge articles) share: a reviewer's
move with its answers to a double click, a stale page and a refused move. (Saving an edit with
the 409 answer to a stale version is `portal.core.editing.save_edit`.)"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from portal.core.concurrency import ConcurrentEditError
from portal.core.editing import done_already, form_on_stored_version
from portal.core.forms import apply_validation_error

# Renders the object's page: (object, move form or None for a blank one, HTTP status).
RenderDetail = Callable[[Any, Any, int], HttpResponse]


def run_move(
    request: HttpRequest,
    *,
    instance: Any,
    form: forms.Form,
    form_class: type[forms.Form],
    target: str,
    move: Callable[[], object],
    done: Any,
    changed: str,
    back: str,
    refetch: Callable[[], Any],
    moves_for: Callable[[Any], Any],
    render_detail: RenderDetail,
) -> HttpResponse:
    """Call `move` (the move service, with the valid move `form`'s data) and choose the answer.

    Success: the `done` message and a redirect to `back`. A stale version: if the object
    already has the `target` status (a double click, or another reviewer made the same move),
    `done` as information; else `changed` (with %(status)s) on the object's page, read again with
    `refetch`, with the reviewer's form on the stored version (or as a message when `moves_for`
    leaves no move to make), status 409. A refused move: `done` when it is done already, else
    the errors on the form, status 400. A forbidden move is a 404."""
    try:
        move()
    except ConcurrentEditError as exc:
        current: Any = exc.current
        if current.status == target:
            return done_already(request, done, back)
        conflict = changed % {"status": current.get_status_display().lower()}
        fresh = refetch()
        if not moves_for(fresh):
            # No move is left to make: no form to show the conflict in.
            messages.error(request, conflict)
            return render_detail(fresh, None, 409)
        # The same form again, with what the reviewer typed, on the stored version.
        stale = form_on_stored_version(form_class, request.POST, fresh, conflict)
        return render_detail(fresh, stale, 409)
    except ValidationError as exc:
        if instance.status == target:
            return done_already(request, done, back)
        apply_validation_error(form, exc)
        return render_detail(instance, form, 400)
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, done)
    return redirect(back)
