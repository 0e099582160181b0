"""What the views that create, edit and move versioned content share (obstacles' mitigations and
articles; dissemination's events, publications and lessons): the POST of a "new" or an edit form
with its answers to a refused, forbidden or stale save, and the move form shown again on the
stored version after a stale move."""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect

from .concurrency import ConcurrentEditError
from .forms import apply_validation_error, rebase_on_conflict

M = TypeVar("M")
F = TypeVar("F", bound=forms.BaseForm)


def save_new(
    request: HttpRequest,
    *,
    form: forms.BaseForm,
    create: Callable[[], M],
    saved: Callable[[M], Any],
) -> HttpResponse | None:
    """On a valid POST, call `create` (the create service) and answer with a redirect to the new
    row and the `saved(row)` message. A refused create puts its errors on the form; a forbidden
    one is a 404. None: show the form (again)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        created = create()
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return None
    except PermissionDenied as exc:
        raise Http404 from exc
    messages.success(request, saved(created))
    page: Any = created  # a row with get_absolute_url
    return redirect(page)


def save_edit(
    request: HttpRequest,
    *,
    form: forms.BaseForm,
    instance: Any,
    save: Callable[[], object],
    saved: str,
    matches: Callable[[Any], bool],
) -> tuple[HttpResponse | None, Any]:
    """On a valid POST, call `save` (the update service) and answer with a redirect to
    `instance` and the `saved` message. A stale version whose stored row `matches` what was sent
    is a double click on Save (saved too); otherwise the form is rebased on what is stored and
    the conflict returned, for the caller to render the form with status 409. A refused save
    puts its errors on the form; a forbidden one is a 404. Returns (redirect or None, conflict)."""
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except ConcurrentEditError as exc:
            if not matches(exc.current):
                conflict = rebase_on_conflict(form, exc)
            else:  # what was sent is what is stored: a double click on Save
                messages.success(request, saved)
                return redirect(instance), None
        except ValidationError as exc:
            apply_validation_error(form, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, saved)
            return redirect(instance), None
    return None, conflict


def done_already(request: HttpRequest, done: Any, to: Any) -> HttpResponse:
    """A move that is made already (a double click, or someone else made the same move): say
    `done` as information and go to `to` (a row or an address)."""
    messages.info(request, done)
    return redirect(to)


def form_on_stored_version(
    form_class: Callable[..., F], data: QueryDict, current: Any, error: str, **kwargs: Any
) -> F:
    """The move form sent again (`data`: what the person typed) on the stored version of
    `current`, with `error` (why it is shown again) above it."""
    data = data.copy()
    data["version"] = str(current.version)
    form = form_class(data, **kwargs)
    form.is_valid()
    form.add_error(None, error)
    return form
