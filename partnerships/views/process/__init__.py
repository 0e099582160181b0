"""The partnership page (the Co-sharing process) and the process template editor.

Each view fetches through a permission helper that answers 404 for missing and forbidden alike,
binds a form, calls one service and redirects with a message. A POST with bad input re-renders the
page with the error beside the field and the typed text kept. htmx requests for the checklist get
just the fragment back, through the same check.

The parts:
- `page`: `detail`, `timeline`, `checklist` (the htmx fragment), `checklist_tick`;
- `moves`: `advance`, `move_back`, `change_status`, `gate_approve`;
- `records`: `document_add`, `document_download`, `message_post`, `obstacle_note_add`;
- `parties`: `party_add`, `member_add`, `member_remove`;
- `templates`: `template_list`, `template_copy`, `template_detail`;
- `template_edits`: `template_step_edit`, `template_item_add`, `template_item_edit`,
  `template_item_remove`, and the handling of a template revised meanwhile (409);
- `_common`: what the partnership page's views share (its context and rendering, the redirect
  back to it, the refusal text, the coordinator and worker fetchers).

`urlpatterns` (concatenated by `partnerships/urls.py`) stays here.
"""

from django.urls import path

from ...services import partnerships as services
from ...services import process as template_services
from .moves import advance, change_status, gate_approve, move_back
from .page import checklist, checklist_tick, detail, timeline
from .parties import member_add, member_remove, party_add
from .records import document_add, document_download, message_post, obstacle_note_add
from .template_edits import (
    template_item_add,
    template_item_edit,
    template_item_remove,
    template_step_edit,
)
from .templates import template_copy, template_detail, template_list

__all__ = [
    "advance",
    "change_status",
    "checklist",
    "checklist_tick",
    "detail",
    "document_add",
    "document_download",
    "gate_approve",
    "member_add",
    "member_remove",
    "message_post",
    "move_back",
    "obstacle_note_add",
    "party_add",
    "services",
    "template_copy",
    "template_detail",
    "template_item_add",
    "template_item_edit",
    "template_item_remove",
    "template_list",
    "template_services",
    "template_step_edit",
    "timeline",
    "urlpatterns",
]

urlpatterns = [
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/timeline/", timeline, name="timeline"),
    path("<int:pk>/checklist/", checklist, name="checklist"),
    path("<int:pk>/checklist/<int:item_pk>/", checklist_tick, name="checklist_tick"),
    path("<int:pk>/advance/", advance, name="advance"),
    path("<int:pk>/move-back/", move_back, name="move_back"),
    path("<int:pk>/status/", change_status, name="change_status"),
    path("<int:pk>/gate/", gate_approve, name="gate_approve"),
    path("<int:pk>/documents/", document_add, name="document_add"),
    path(
        "<int:pk>/documents/<int:document_pk>/download/",
        document_download,
        name="document_download",
    ),
    path("<int:pk>/messages/", message_post, name="message_post"),
    path("<int:pk>/obstacles/", obstacle_note_add, name="obstacle_note_add"),
    path("<int:pk>/parties/", party_add, name="party_add"),
    path("<int:pk>/people/", member_add, name="member_add"),
    path("<int:pk>/people/<int:member_pk>/remove/", member_remove, name="member_remove"),
    path("templates/", template_list, name="template_list"),
    path("templates/copy/<slug:slug>/", template_copy, name="template_copy"),
    path("templates/<int:pk>/", template_detail, name="template_detail"),
    path("templates/<int:pk>/steps/<int:step_pk>/", template_step_edit, name="template_step_edit"),
    path(
        "templates/<int:pk>/steps/<int:step_pk>/items/new/",
        template_item_add,
        name="template_item_add",
    ),
    path("templates/<int:pk>/items/<int:item_pk>/", template_item_edit, name="template_item_edit"),
    path(
        "templates/<int:pk>/items/<int:item_pk>/remove/",
        template_item_remove,
        name="template_item_remove",
    ),
]
