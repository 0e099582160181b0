from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.core.concurrency import ConcurrentEditError
from portal.core.forms import apply_validation_error, rebase_on_conflict
from portal.core.pagecache import cached_page
from portal.core.validators import query_text

from . import selectors, services
from .forms import (
    JoinDecisionForm,
    JoinRequestForm,
    MembershipRoleForm,
    OrganisationForm,
    ProfileForm,
)
from .models import JoinRequest, JoinRequestStatus
from .permissions import (
    can_manage_organisation,
    can_request_to_join,
    can_see_members,
    get_join_request_for_admin_or_404,
    get_membership_for_user_or_404,
    get_organisation_for_admin_or_404,
    get_organisation_or_404,
    get_own_join_request_or_404,
)


@cached_page
def dashboard(request: HttpRequest) -> HttpResponse:
    """The signed-in user's start page: organisations, roles and open requests."""
    memberships = selectors.user_memberships(request.user)
    join_requests = selectors.user_join_requests(user=request.user).filter(
        status=JoinRequestStatus.PENDING
    )
    return render(
        request,
        "accounts/dashboard.html",
        {"memberships": memberships, "join_requests": join_requests},
    )


def onboarding(request: HttpRequest) -> HttpResponse:
    """Right after sign-up: create an organisation or ask to join one."""
    return render(request, "accounts/onboarding.html")


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(
            user=user,
            name=form.cleaned_data["name"],
            preferred_language=form.cleaned_data["preferred_language"],
        )
        messages.success(request, _("Your profile was saved."))
        response = redirect("accounts:profile")
        response.set_cookie("portal_language", user.preferred_language, samesite="Lax")
        return response
    return render(request, "accounts/profile.html", {"form": form})


def organisation_list(request: HttpRequest) -> HttpResponse:
    search = query_text(request.GET.get("q"), max_length=100)
    page = Paginator(selectors.organisation_list(search=search), 25).get_page(
        request.GET.get("page")
    )
    member_of = {m.organisation_id for m in selectors.user_memberships(request.user)}
    pending = set(
        selectors.user_join_requests(user=request.user)
        .filter(status=JoinRequestStatus.PENDING)
        .values_list("organisation_id", flat=True)
    )
    template = (
        "accounts/partials/organisation_results.html"
        if getattr(request, "htmx", False)
        else "accounts/organisation_list.html"
    )
    return render(
        request,
        template,
        {"page": page, "q": search, "member_of": member_of, "pending": pending},
    )


@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.changes()
        try:
            organisation = services.organisation_create(creator=request.user, data=data)  # type: ignore[arg-type]
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("%(name)s was created. You are its admin.") % {"name": organisation}
            )
            return redirect(organisation)
    return render(request, "accounts/organisation_form.html", {"form": form, "creating": True})


def _organisation_page(
    request: HttpRequest, organisation: Any, join_form: JoinRequestForm | None = None
) -> HttpResponse:
    """The organisation page; `join_form` carries a rejected join request back to its field."""
    user: Any = request.user
    manage = can_manage_organisation(user, organisation)
    members = (
        selectors.organisation_members(organisation=organisation)
        if can_see_members(user, organisation)
        else None
    )
    pending = selectors.organisation_pending_requests(organisation=organisation) if manage else None
    own_request = JoinRequest.objects.filter(
        user=user, organisation=organisation, status=JoinRequestStatus.PENDING
    ).first()
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "can_manage": manage,
            "own_membership": selectors.membership_for(user=user, organisation=organisation),
            "members": members,
            "pending": pending,
            "own_request": own_request,
            "can_join": can_request_to_join(user, organisation) and own_request is None,
            "join_form": join_form or JoinRequestForm(),
            "decision_form": JoinDecisionForm(),
            "role_form": MembershipRoleForm(),
        },
        status=400 if join_form is not None else 200,
    )


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _organisation_page(request, get_organisation_or_404(pk))


@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_for_admin_or_404(request.user, pk)
    form = OrganisationForm(request.POST or None, instance=organisation)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                actor=request.user,  # type: ignore[arg-type]
                organisation=organisation,
                expected_version=form.cleaned_data["version"],
                data=form.changes(),
            )
        except ConcurrentEditError as exc:
            conflict = rebase_on_conflict(form, exc)
            if not conflict:  # what was typed is stored already: a double submit
                messages.success(request, _("The organisation was saved."))
                return redirect("accounts:organisation_detail", pk=organisation.pk)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The organisation was saved."))
            return redirect("accounts:organisation_detail", pk=organisation.pk)
    return render(
        request,
        "accounts/organisation_form.html",
        {"form": form, "organisation": organisation, "conflict": conflict, "creating": False},
        status=409 if conflict else 200,
    )


@require_POST
def join_request_create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_organisation_or_404(pk)
    form = JoinRequestForm(request.POST)
    if not form.is_valid():
        return _organisation_page(request, organisation, join_form=form)
    try:
        services.join_request_create(
            user=request.user,  # type: ignore[arg-type]
            organisation=organisation,
            message=form.cleaned_data["message"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Your request was sent. The admins of %(name)s will answer it.")
            % {"name": organisation},
        )
    return redirect(organisation)


@require_POST
def join_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    join_request = get_join_request_for_admin_or_404(request.user, pk)
    form = JoinDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or decline."))
        return redirect(join_request.organisation)
    decided = services.join_request_decide(
        actor=request.user,  # type: ignore[arg-type]
        join_request=join_request,
        approve=form.cleaned_data["decision"] == "approve",
        note=form.cleaned_data["note"],
    )
    if decided.status == JoinRequestStatus.APPROVED:
        messages.success(request, _("%(user)s is now a member.") % {"user": decided.user})
    else:
        messages.success(
            request, _("The request from %(user)s was declined.") % {"user": decided.user}
        )
    return redirect(join_request.organisation)


@require_POST
def join_request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    join_request = get_own_join_request_or_404(request.user, pk)
    services.join_request_withdraw(user=request.user, join_request=join_request)  # type: ignore[arg-type]
    messages.success(request, _("Your request was withdrawn."))
    return redirect(join_request.organisation)


@require_POST
def membership_role(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_membership_for_user_or_404(request.user, pk)
    if not can_manage_organisation(request.user, membership.organisation):
        raise Http404
    form = MembershipRoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_set_role(
                actor=request.user,  # type: ignore[arg-type]
                membership=membership,
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The role was changed."))
    else:
        messages.error(request, _("Choose a valid role."))
    return redirect(membership.organisation)


@require_POST
def membership_remove(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_membership_for_user_or_404(request.user, pk)
    leaving = membership.user_id == request.user.pk
    try:
        services.membership_remove(actor=request.user, membership=membership)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(membership.organisation)
    if leaving:
        messages.success(request, _("You left %(name)s.") % {"name": membership.organisation})
        return redirect("accounts:dashboard")
    messages.success(request, _("%(user)s was removed.") % {"user": membership.user})
    return redirect(membership.organisation)
