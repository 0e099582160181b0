"""Mail pages: the kinds of mail a person gets, and the mail that could not be delivered.

The profile page shows a person the mail meant for them that has not gone out (the
`undelivered_mail` tag, portal/accounts/templatetags/mail_tags.py); "Try again" posts here.
Portal admins see every undelivered mail on `/me/mail/undelivered/`; anyone else gets 404.
"""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.core.mail import failure_detail, failure_text, outbox_retry
from portal.core.outbox import can_retry_mail, get_mail_for_user_or_404, outbox_undelivered
from portal.core.ratelimit import allow_per_minute
from portal.core.redirects import next_path

from .forms_mail import MailPreferencesForm, UndeliveredMailFilterForm
from .permissions import is_portal_admin
from .services import user_set_mail_preferences

UNDELIVERED_PER_PAGE = 50
# Each "Try again" makes a delivery attempt: enough for an admin going down a list, not a flood.
RETRIES_PER_MINUTE = 30


@require_http_methods(["GET", "POST"])
def mail_preferences(request: HttpRequest) -> HttpResponse:
    """Tick the kinds of mail you want; security mail is always sent."""
    user: Any = request.user
    form = MailPreferencesForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        user_set_mail_preferences(actor=user, user=user, muted=form.muted())
        messages.success(request, _("Your email notification choices were saved."))
        return redirect(request.path)
    return render(request, "accounts/mail_preferences.html", {"mail_form": form})


@require_http_methods(["GET"])
def undelivered_mail(request: HttpRequest) -> HttpResponse:
    """Every mail that could not be delivered or waits for another attempt (portal admins),
    filtered by status and address, with the reason and "Try again"."""
    if not is_portal_admin(request.user):
        raise Http404
    form = UndeliveredMailFilterForm(request.GET or None)
    page = None
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        rows = outbox_undelivered(status=data.get("status", ""), to=data.get("to", ""))
        page = Paginator(rows, UNDELIVERED_PER_PAGE).get_page(request.GET.get("page"))
        for mail in page.object_list:
            mail.reason = failure_text(mail.last_error)  # type: ignore[attr-defined]
            mail.detail = failure_detail(mail.last_error)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/undelivered_mail.html",
        {"form": form, "page": page, "query": query.urlencode(), "here": request.get_full_path()},
    )


def _back(request: HttpRequest) -> str:
    return next_path(request, request.POST.get("next"), default=reverse("accounts:profile"))


@require_POST
def mail_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """The "Try again" button on one mail: the person it was for, or a portal admin; 404 for
    anyone else. Limited to RETRIES_PER_MINUTE a person."""
    mail = get_mail_for_user_or_404(request.user, pk)
    if not allow_per_minute(request, scope="mail-retry", limit=RETRIES_PER_MINUTE):
        messages.error(
            request, _("You pressed “Try again” very often. Wait a minute, then try again.")
        )
    elif can_retry_mail(request.user, mail) and outbox_retry(actor=request.user, mail=mail):
        messages.success(
            request,
            _("We are sending “%(subject)s” again. Check this page later to see if it arrived.")
            % {"subject": mail.subject[:120]},
        )
    else:
        messages.info(request, _("This mail is being sent or has already been sent."))
    return redirect(_back(request))
