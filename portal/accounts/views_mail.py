"""The page where a person chooses which kinds of mail they get."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .forms_mail import MailPreferencesForm
from .services import user_set_mail_preferences


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
