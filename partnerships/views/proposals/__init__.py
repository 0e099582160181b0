"""Calls, proposals (with autosave and attachments), the intake queue, reviews and ranking.

Each view authenticates (LoginRequiredMiddleware, except the public call pages), fetches through a
permission helper that answers 404 for missing and forbidden alike, binds a form, calls one
service and chooses the response.

The parts:
- `calls`: `call_list`, `call_detail`, `call_create`, `call_edit`, `call_publish`,
  `call_ranking` (`CALLS_PER_PAGE`);
- `drafts`: `proposal_list`, `proposal_new`, `proposal_detail`, `proposal_edit`,
  `proposal_autosave`;
- `moves`: `proposal_submit`, `proposal_withdraw`, `proposal_decide` (`DECISIONS`);
- `attachments`: `attachment_add`, `attachment_download`, `attachment_remove`;
- `intake_queue`: `intake`;
- `reviews`: `review_assign`, `review_list`, `review_submit`;
- `_common`: the proposal page's context and rendering, shared by the views that answer with it.

`urlpatterns` (concatenated by `partnerships/urls.py`) stays here.
"""

from django.urls import path

from ...selectors import proposals as selectors
from ...services import calls as call_services
from ...services import proposals as services
from .attachments import attachment_add, attachment_download, attachment_remove
from .calls import (
    CALLS_PER_PAGE,
    call_create,
    call_detail,
    call_edit,
    call_list,
    call_publish,
    call_ranking,
)
from .drafts import proposal_autosave, proposal_detail, proposal_edit, proposal_list, proposal_new
from .intake_queue import intake
from .moves import DECISIONS, proposal_decide, proposal_submit, proposal_withdraw
from .reviews import review_assign, review_list, review_submit

__all__ = [
    "CALLS_PER_PAGE",
    "DECISIONS",
    "attachment_add",
    "attachment_download",
    "attachment_remove",
    "call_create",
    "call_detail",
    "call_edit",
    "call_list",
    "call_publish",
    "call_ranking",
    "call_services",
    "intake",
    "proposal_autosave",
    "proposal_decide",
    "proposal_detail",
    "proposal_edit",
    "proposal_list",
    "proposal_new",
    "proposal_submit",
    "proposal_withdraw",
    "review_assign",
    "review_list",
    "review_submit",
    "selectors",
    "services",
    "urlpatterns",
]

urlpatterns = [
    path("calls/", call_list, name="call_list"),
    path("calls/new/", call_create, name="call_create"),
    path("calls/<int:pk>/", call_detail, name="call_detail"),
    path("calls/<int:pk>/edit/", call_edit, name="call_edit"),
    path("calls/<int:pk>/publish/", call_publish, name="call_publish"),
    path("calls/<int:pk>/ranking/", call_ranking, name="call_ranking"),
    path("proposals/", proposal_list, name="proposal_list"),
    path("proposals/new/", proposal_new, name="proposal_new"),
    path("proposals/<int:pk>/", proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/edit/", proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/autosave/", proposal_autosave, name="proposal_autosave"),
    path("proposals/<int:pk>/submit/", proposal_submit, name="proposal_submit"),
    path("proposals/<int:pk>/withdraw/", proposal_withdraw, name="proposal_withdraw"),
    path("proposals/<int:pk>/decide/", proposal_decide, name="proposal_decide"),
    path("proposals/<int:pk>/reviewers/", review_assign, name="review_assign"),
    path("proposals/<int:pk>/attachments/", attachment_add, name="attachment_add"),
    path(
        "proposals/<int:pk>/attachments/<int:attachment_pk>/",
        attachment_download,
        name="attachment_download",
    ),
    path(
        "proposals/<int:pk>/attachments/<int:attachment_pk>/remove/",
        attachment_remove,
        name="attachment_remove",
    ),
    path("intake/", intake, name="intake"),
    path("reviews/", review_list, name="review_list"),
    path("reviews/<int:pk>/", review_submit, name="review_submit"),
]
