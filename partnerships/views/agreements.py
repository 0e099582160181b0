"""The agreement at the agreement step: the text and its versions, the clause editor, the SKR
collaboration rules, and each party's acceptance.

Every view fetches the partnership through `get_partnership_for_user_or_404` (404 for missing and
forbidden alike); writing views also answer 404 to those who may look but not act (sponsors).
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.core.concurrency import ConcurrentEditError
from portal.core.forms import apply_validation_error
from portal.core.security import export_logged
from reports.models import ReportKind
from reports.selectors import report_panel

from ..forms.agreements import AcceptForm, AgreementForm, RuleCheckForm
from ..models import Agreement, Partnership
from ..permissions.agreements import (
    can_edit_agreement,
    can_start_agreement,
    may_act_for_party,
    parties_user_may_accept_for,
)
from ..permissions.base import can_work_on_partnership, get_partnership_for_user_or_404
from ..selectors import agreements as selectors
from ..services import agreements as services
from ..workflow import AgreementStatus


def _agreement_url(partnership: Partnership, anchor: str = "") -> str:
    url = reverse("partnerships:agreement", args=[partnership.pk])
    return f"{url}#{anchor}" if anchor else url


def _detail_url(partnership: Partnership) -> str:
    try:
        return partnership.get_absolute_url()
    except NoReverseMatch:  # the partnership page lives in views/process/page.py
        return ""


def _agreement_or_404(partnership: Partnership) -> Agreement:
    agreement = Agreement.objects.filter(partnership=partnership).first()
    if agreement is None:
        raise Http404
    agreement.partnership = partnership
    return agreement


def _render_page(
    request: HttpRequest,
    partnership: Partnership,
    *,
    form: AgreementForm | None = None,
    conflict: list[tuple[Any, Any]] | None = None,
    accept_error: str = "",
    status: int = 200,
    page: selectors.AgreementPage | None = None,
) -> HttpResponse:
    page = page or selectors.agreement_page(partnership=partnership)
    agreement = page.agreement
    can_edit = agreement is not None and can_edit_agreement(request.user, agreement)
    if can_edit and form is None and agreement is not None:
        form = AgreementForm(
            agreement=agreement, library=selectors.clause_library(), rows=page.clause_rows
        )
    may_accept_for: list[Any] = []
    if agreement is not None and agreement.status == AgreementStatus.DRAFT and page.latest:
        may_accept_for = parties_user_may_accept_for(request.user, page.parties)
    accepted_ids = {s.party.pk for s in page.party_states if s.acceptance}
    # The agreement report prints a version of the text, so it is offered once there is one
    # (the report's own rule: whoever may open the partnership, once there is a version; the
    # partnership came through that permission helper, so the panel does not check again).
    panel = (
        report_panel(
            request,
            kind=ReportKind.AGREEMENT,
            params={"partnership": partnership.pk},
            access_checked=True,
        )
        if page.latest is not None
        else None
    )
    context = {
        "partnership": partnership,
        "detail_url": _detail_url(partnership),
        "page": page,
        "agreement": agreement,
        "latest": page.latest,
        "can_edit": can_edit,
        "can_work": can_work_on_partnership(request.user, partnership),
        "can_start": agreement is None and can_start_agreement(request.user, partnership),
        "form": form if can_edit else None,
        "conflict": conflict,
        "accept_parties": [(party, party.pk in accepted_ids) for party in may_accept_for],
        "accept_error": accept_error,
        "report_panel": panel,
    }
    return render(request, "partnerships/agreement_detail.html", context, status=status)


@require_GET
def agreement(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = get_partnership_for_user_or_404(request.user, pk)
    return _render_page(request, partnership)


def agreement_start(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = get_partnership_for_user_or_404(request.user, pk)
    if request.method != "POST":  # after the fetch: a forbidden GET is a 404
        return HttpResponseNotAllowed(["POST"])
    if not can_work_on_partnership(request.user, partnership):
        raise Http404
    try:
        services.agreement_start(actor=request.user, partnership=partnership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The agreement was started. Fill in the clauses below."))
    return redirect(_agreement_url(partnership))


def _conflict_rows(form: AgreementForm, current: Agreement) -> list[tuple[Any, Any]]:
    """The stored values that differ from what the editor sent, to show beside the form."""
    rows: list[tuple[Any, Any]] = []
    stored = {
        row.clause.key: row.values
        for row in current.clauses.select_related("clause")  # type: ignore[attr-defined]
    }
    sent = form.cleaned_data
    if sent.get("language") != current.language:
        rows.append((form.fields["language"].label, current.get_language_display()))
    if sent.get("region_role") != current.region_role:
        rows.append((form.fields["region_role"].label, current.get_region_role_display()))
    choices = dict(form.fields["clauses"].choices)  # type: ignore[attr-defined]
    stored_keys = [key for key in stored if key in choices]
    if sorted(sent.get("clauses") or []) != sorted(stored_keys):
        rows.append((form.fields["clauses"].label, ", ".join(str(choices[k]) for k in stored_keys)))
    for name in form.variables:
        clause = form.clause_of[name]
        value = stored.get(clause.key, {}).get(name, "")
        if clause.key in stored and str(sent.get(name) or "") != value:
            rows.append((form.fields[name].label, value))
    return rows


@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = get_partnership_for_user_or_404(request.user, pk)
    if not can_work_on_partnership(request.user, partnership):
        raise Http404
    if request.method == "GET":
        # The page reads the agreement anyway: no agreement yet is a 404 all the same.
        page = selectors.agreement_page(partnership=partnership)
        if page.agreement is None:
            raise Http404
        return _render_page(request, partnership, page=page)
    agreement = _agreement_or_404(partnership)
    form = AgreementForm(
        request.POST,
        agreement=agreement,
        library=selectors.clause_library(),
        rows=list(agreement.clauses.select_related("clause")),  # type: ignore[attr-defined]
    )
    conflict = None
    if form.is_valid():
        try:
            services.agreement_update(
                actor=request.user,
                agreement=agreement,
                expected_version=form.cleaned_data["version"],
                region_role=form.cleaned_data["region_role"],
                language=form.cleaned_data["language"],
                clause_keys=form.cleaned_data["clauses"],
                values=form.values(),
            )
        except ConcurrentEditError as exc:
            current: Agreement = exc.current  # type: ignore[assignment]
            conflict = _conflict_rows(form, current)
            if not conflict:  # a double submit: what was sent is what is stored
                messages.success(request, _("The agreement was saved."))
                return redirect(_agreement_url(partnership, "text"))
            form.add_error(None, exc.message)
            data = form.data.copy()  # type: ignore[attr-defined]
            data["version"] = str(current.version)
            form.data = data
        except ValidationError as exc:
            if getattr(exc, "code", None) in ("in_force", "inactive"):
                messages.error(request, " ".join(exc.messages))
                return redirect(_agreement_url(partnership))
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The agreement was saved."))
            return redirect(_agreement_url(partnership, "text"))
    return _render_page(
        request, partnership, form=form, conflict=conflict, status=409 if conflict else 200
    )


def agreement_rules(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = get_partnership_for_user_or_404(request.user, pk)
    if request.method != "POST":  # after the fetch: a forbidden GET is a 404
        return HttpResponseNotAllowed(["POST"])
    if not can_work_on_partnership(request.user, partnership):
        raise Http404
    agreement = _agreement_or_404(partnership)
    form = RuleCheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a rule to confirm."))
        return redirect(_agreement_url(partnership, "rules"))
    try:
        services.rule_check_set(
            actor=request.user,
            agreement=agreement,
            rule=form.cleaned_data["rule"],
            done=form.cleaned_data["done"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    if request.headers.get("HX-Request") and not request.headers.get("HX-Boosted"):
        page = selectors.agreement_page(partnership=partnership)
        return render(
            request,
            "partnerships/partials/agreement_rules.html",
            {
                "partnership": partnership,
                "agreement": page.agreement,
                "page": page,
                "can_edit": page.agreement is not None
                and can_edit_agreement(request.user, page.agreement),
            },
        )
    return redirect(_agreement_url(partnership, "rules"))


def agreement_accept(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = get_partnership_for_user_or_404(request.user, pk)
    if request.method != "POST":  # after the fetch: a forbidden GET is a 404
        return HttpResponseNotAllowed(["POST"])
    agreement = _agreement_or_404(partnership)
    form = AcceptForm(request.POST)
    if not form.is_valid():  # a tampered or truncated form: say so instead of a bare 404
        return _render_page(
            request,
            partnership,
            accept_error=_(
                "The acceptance could not be read (the party, version or checksum is missing or "
                "malformed). Reload the page, read the text and accept again."
            ),
            status=400,
        )
    parties = selectors.agreement_parties(partnership=partnership)
    party = next((p for p in parties if p.pk == form.cleaned_data["party"]), None)
    if party is None or not may_act_for_party(request.user, party):
        raise Http404
    try:
        services.agreement_accept(
            actor=request.user,
            agreement=agreement,
            party=party,
            version_number=form.cleaned_data["version"],
            checksum=form.cleaned_data["checksum"],
        )
    except ValidationError as exc:
        status = 400 if getattr(exc, "code", None) in ("rules", "incomplete") else 409
        return _render_page(
            request, partnership, accept_error=" ".join(exc.messages), status=status
        )
    agreement.refresh_from_db()
    if agreement.status == AgreementStatus.IN_FORCE:
        messages.success(request, _("Every party has accepted: the agreement is in force."))
    else:
        messages.success(request, _("You accepted the agreement for %(party)s.") % {"party": party})
    return redirect(_agreement_url(partnership, "acceptance"))


def _version_or_404(request: HttpRequest, pk: int, number: int) -> tuple[Partnership, Any]:
    partnership = get_partnership_for_user_or_404(request.user, pk)
    agreement = _agreement_or_404(partnership)
    version = selectors.agreement_version_get(agreement=agreement, number=number)
    if version is None:
        raise Http404
    return partnership, version


@require_GET
def agreement_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    partnership, version = _version_or_404(request, pk, number)
    previous = selectors.agreement_version_previous(version=version)
    diff = selectors.version_diff(before=previous.text, after=version.text) if previous else None
    return render(
        request,
        "partnerships/agreement_version.html",
        {
            "partnership": partnership,
            "detail_url": _detail_url(partnership),
            "version": version,
            "previous": previous,
            "diff": diff,
        },
    )


@require_GET
def agreement_download(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    partnership, version = _version_or_404(request, pk, number)
    response = HttpResponse(version.text, content_type="text/plain; charset=utf-8")
    name = f"agreement-{partnership.pk}-v{version.number}.txt"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return export_logged(
        request, response, export="agreement", partnership=partnership.pk, version=version.number
    )


urlpatterns = [
    path("<int:pk>/agreement/", agreement, name="agreement"),
    path("<int:pk>/agreement/start/", agreement_start, name="agreement_start"),
    path("<int:pk>/agreement/edit/", agreement_edit, name="agreement_edit"),
    path("<int:pk>/agreement/rules/", agreement_rules, name="agreement_rules"),
    path("<int:pk>/agreement/accept/", agreement_accept, name="agreement_accept"),
    path("<int:pk>/agreement/versions/<int:number>/", agreement_version, name="agreement_version"),
    path(
        "<int:pk>/agreement/versions/<int:number>/download/",
        agreement_download,
        name="agreement_download",
    ),
]
