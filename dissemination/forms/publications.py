"""Forms for publications: the organisers' "new" and "edit" form, and a move's confirmation.

The forms check what a person can get wrong and say so beside the field, all at once (the file
is checked by its content here already); the services decide and guard the same rules again.
"""

import uuid
from typing import Any

from django import forms
from django.core.validators import URLValidator
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from obstacles.forms.entries import FORMATTING_HELP, NamedChoiceField, editable_text
from obstacles.forms.mitigations import (
    ObstacleNumbersField,
    not_published_message,
    resolve_obstacles,
)
from partnerships.models import Partnership
from partnerships.permissions import partnerships_visible_to
from portal.accounts.forms import VersionedForm
from portal.accounts.permissions import is_portal_admin
from portal.core.forms import PortalForm, differs_from_stored
from portal.core.i18n import current_language
from regions.models import Region

from ..models import CONTENT_LANGUAGES, Publication, PublicationFile
from ..permissions.publications import organised_regions
from ..services.publications import (
    PUBLICATION_FIELDS,
    PUBLICATION_FILE_KINDS,
    REASON_MAX,
    inspect_publication_file,
    upload_max_bytes,
)

LINK_OR_FILE = _("Give a link or choose a file: a publication needs at least one of them.")
CHOOSE_FILE_AGAIN = _(
    "Choose the file again: a chosen file is not kept when the form has to be corrected."
)
_ACCEPT = ",".join(ext for kind in PUBLICATION_FILE_KINDS for ext in kind.extensions)


class WebAddressField(forms.URLField):
    """A web address: http or https only (Django's own also takes ftp)."""

    default_validators = [URLValidator(schemes=["http", "https"])]


class PartnershipsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.region.name})"


class PublicationForm(VersionedForm):
    """A new publication (with a hidden `client_token` against double submits) or an edit
    (with the hidden version; a "remove the file" box when there is a file).

    Regions offered: the organiser's (portal admins: every region, or none for a national
    publication). Partnerships offered: those the organiser may see in those regions, plus any
    already linked. Obstacles are named by their numbers, as everywhere in the portal.
    """

    link = WebAddressField(
        label=_("Link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Where the publication is, if it is on another site (http or https)."),
        error_messages={"invalid": _("Give a web address that starts with http:// or https://.")},
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        widget=forms.FileInput(attrs={"accept": _ACCEPT}),
    )
    remove_file = forms.BooleanField(label=_("Remove the file"), required=False)
    region = NamedChoiceField(
        label=_("Region"),
        queryset=Region.objects.none(),
        error_messages={
            "required": _("Choose the region that publishes it."),
            "invalid_choice": _("Choose one of the regions offered."),
        },
    )
    partnerships = PartnershipsField(
        label=_("Partnerships it reports on (optional)"),
        queryset=Partnership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose among the partnerships offered.")},
    )
    obstacles = ObstacleNumbersField(
        label=_("Obstacles it reports on (optional)"),
        required=False,
        help_text=_("The numbers of published obstacles, separated by commas, e.g. 12, 15."),
    )
    client_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    field_order = [
        "kind",
        "title",
        "summary",
        "published_on",
        "link",
        "file",
        "remove_file",
        "region",
        "language",
        "partnerships",
        "obstacles",
    ]

    class Meta:
        model = Publication
        fields = list(PUBLICATION_FIELDS)
        widgets = {
            "title": forms.TextInput(attrs={"autocomplete": "off"}),
            "summary": forms.Textarea(attrs={"rows": 8}),
            "published_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {
            "kind": _("Kind"),
            "title": _("Title"),
            "summary": _("Summary"),
            "published_on": _("Date of publication"),
            "language": _("Language of the publication"),
        }
        help_texts = {
            "summary": FORMATTING_HELP,
            "published_on": _("The day it came out (YYYY-MM-DD), shown with it."),
        }
        error_messages = {
            "kind": {"required": _("Choose what kind of publication it is.")},
            "title": {
                "required": _("Give the publication a title."),
                "max_length": _(
                    "Keep the title to %(limit_value)d characters (it has %(show_value)d)."
                ),
            },
            "summary": {
                "max_length": _(
                    "Keep the text to %(limit_value)d characters (it has %(show_value)d)."
                ),
            },
            "published_on": {
                "required": _("Give the date of publication."),
                "invalid": _("Give the date as YYYY-MM-DD."),
            },
        }

    def __init__(
        self,
        *args: Any,
        user: Any,
        current_file: PublicationFile | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.current_file = current_file
        instance = self.instance
        admin = is_portal_admin(user)

        region: Any = self.fields["region"]
        region.queryset = organised_regions(user)
        if admin:
            region.required = False
            region.empty_label = _("National (no region)")
        else:
            region.empty_label = None

        language: Any = self.fields["language"]
        language.choices = CONTENT_LANGUAGES

        partnerships: Any = self.fields["partnerships"]
        linked = list(instance.partnerships.values_list("pk", flat=True)) if instance.pk else []
        offered = partnerships_visible_to(user)
        if not admin:
            offered = offered.filter(region__in=region.queryset)
        partnerships.queryset = (
            Partnership.objects.filter(Q(pk__in=offered.values("pk")) | Q(pk__in=linked))
            .select_related("region")
            .order_by("region__code", "title", "pk")
        )

        file: Any = self.fields["file"]
        limit = upload_max_bytes() // (1024 * 1024)
        kinds = ", ".join(kind.label for kind in PUBLICATION_FILE_KINDS)
        file.help_text = _(
            "%(kinds)s, at most %(limit)d MB. Checked by its content; only people who may see "
            "the publication can download it."
        ) % {"kinds": kinds, "limit": limit}

        self._kept_obstacles: frozenset[int] = frozenset()
        if instance.pk:
            del self.fields["client_token"]
            self._kept_obstacles = frozenset(instance.obstacles.values_list("pk", flat=True))
            if current_file is not None:
                file.label = _("Replace the file")
                file.help_text = _(
                    "Now: “%(name)s” (%(size)s). A new file replaces it. %(rules)s"
                ) % {
                    "name": current_file.name,
                    "size": filesizeformat(current_file.size),
                    "rules": file.help_text,
                }
                self.fields["remove_file"].label = _("Remove the file “%(name)s”") % {
                    "name": current_file.name
                }
            else:
                del self.fields["remove_file"]
            if not self.is_bound:
                self.initial["summary"] = editable_text(instance.summary)
                self.initial["obstacles"] = sorted(self._kept_obstacles)
                self.initial["partnerships"] = linked
        else:
            del self.fields["version"]
            del self.fields["remove_file"]
            if not self.is_bound:
                self.initial.setdefault("language", current_language())
                self.initial.setdefault("published_on", timezone.localdate())
                self.initial["client_token"] = uuid.uuid4()
                regions = list(region.queryset[:2])
                if not admin and len(regions) == 1:
                    self.initial.setdefault("region", regions[0].pk)

    # --- Cleaning --------------------------------------------------------------------------------

    def clean_obstacles(self) -> list[Any]:
        numbers = list(self.cleaned_data.get("obstacles") or [])
        found, missing = resolve_obstacles(numbers, keep=self._kept_obstacles)
        if missing:
            raise forms.ValidationError(not_published_message(missing))
        return found

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload:
            inspect_publication_file(upload)
        return upload or None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "link" in self.errors or "file" in self.errors:
            return cleaned
        has_file = bool(cleaned.get("file")) or (
            self.current_file is not None and not cleaned.get("remove_file")
        )
        if not cleaned.get("link") and not has_file:
            self.add_error("link", LINK_OR_FILE)
        return cleaned

    def _post_clean(self) -> None:
        # The service validates and saves; the fetched row stays as stored.
        pass

    # --- For the views ---------------------------------------------------------------------------

    def conflict_stored_value(self, name: str, current: Any) -> Any:
        """The conflict panel compares the summary as it is edited, not as stored HTML."""
        if name == "summary":
            return editable_text(current.summary)
        value = getattr(current, name, None)
        if name in ("partnerships", "obstacles"):
            return list(value.all()) if value is not None else []
        return value

    def data_for_service(self) -> dict[str, Any]:
        """The service's keyword arguments, from the valid form."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["upload"] = self.cleaned_data.get("file")
        if "remove_file" in self.fields:
            data["remove_file"] = bool(self.cleaned_data.get("remove_file"))
        if "client_token" in self.fields:
            data["client_token"] = str(self.cleaned_data.get("client_token") or "")
        return data

    def sent_a_file(self) -> bool:
        return bool(self.files.get(self.add_prefix("file")))

    def matches_stored(self, current: Publication, current_file: PublicationFile | None) -> bool:
        """The valid form sends exactly what `current` stores, file included (the same content
        already stored, no removal of a file that is there): the save that "conflicted" was the
        user's own (a double click on Save), so nothing would be lost by calling it saved."""
        if not self.is_valid():
            return False
        for name in self.Meta.fields:
            if differs_from_stored(self, name, current):
                return False
        upload = self.cleaned_data.get("file")
        if upload is not None:
            sent = inspect_publication_file(upload).sha256
            if current_file is None or current_file.sha256 != sent:
                return False
        elif self.cleaned_data.get("remove_file") and current_file is not None:
            return False
        return True


MOVE_TITLES = {
    "publish": pgettext_lazy("publication move", "Publish the publication"),
    "withdraw": pgettext_lazy("publication move", "Withdraw the publication"),
}
MOVE_BUTTONS = {
    "publish": pgettext_lazy("publication move", "Publish"),
    "withdraw": pgettext_lazy("publication move", "Withdraw"),
}


class PublicationMoveForm(PortalForm):
    """Confirming a move: withdrawing asks why (kept with the publication); publishing asks
    nothing. The hidden version makes a move made on a stale page a conflict, not a surprise."""

    reason = forms.CharField(
        label=_("Why is it withdrawn?"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Kept with the publication and in its history."),
        error_messages={
            "required": _("Say why the publication is withdrawn."),
            "max_length": _(
                "Keep the reason to %(limit_value)d characters (it has %(show_value)d)."
            ),
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, move: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.move = move
        if move != "withdraw":
            del self.fields["reason"]
