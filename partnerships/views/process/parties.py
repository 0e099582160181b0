"""The parties of a partnership and the people named for them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils.translation import gettext as _

from portal.core.forms import apply_validation_error

from ...forms.process import MemberAddForm, PartyAddForm
from ...models import PartyMember
from ...services import partnerships as services
from ._common import _back, _coordinator_partnership, _fail, _render_detail


def party_add(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _coordinator_partnership(request, pk)
    if request.method != "POST":  # after the fetch: a forbidden GET is a 404
        return HttpResponseNotAllowed(["POST"])
    form = PartyAddForm(request.POST)
    if form.is_valid():
        try:
            party = services.party_add(
                actor=request.user,
                partnership=partnership,
                organisation=form.cleaned_data["organisation"],
                kind=form.cleaned_data["kind"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("%(party)s was added as a party.") % {"party": party})
            return _back(partnership, "parties")
    return _render_detail(request, partnership, status=400, party_form=form)


def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = _coordinator_partnership(request, pk)
    if request.method != "POST":  # after the fetch: a forbidden GET is a 404
        return HttpResponseNotAllowed(["POST"])
    form = MemberAddForm(request.POST, partnership=partnership)
    if form.is_valid():
        try:
            member = services.party_member_add(
                actor=request.user,
                partnership=partnership,
                party=form.cleaned_data["party"],
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("%(person)s was named.") % {"person": member.user})
            return _back(partnership, "parties")
    return _render_detail(request, partnership, status=400, member_form=form)


def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    partnership = _coordinator_partnership(request, pk)
    if request.method != "POST":  # after the fetch: a forbidden GET is a 404
        return HttpResponseNotAllowed(["POST"])
    member = (
        PartyMember.objects.filter(pk=member_pk, party__partnership=partnership)
        .select_related("party", "user")
        .first()
    )
    if member is None:
        raise Http404
    try:
        services.party_member_remove(actor=request.user, partnership=partnership, member=member)
    except ValidationError as exc:
        messages.error(request, _fail(exc))
    else:
        messages.success(request, _("%(person)s is no longer named.") % {"person": member.user})
    return _back(partnership, "parties")
