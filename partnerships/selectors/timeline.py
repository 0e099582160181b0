"""The partnership's timeline, a page at a time, in two queries however much has happened."""

from typing import Any

from django.core.paginator import Page, Paginator

from ..models import Partnership, PartnershipEvent

EVENTS_PER_PAGE = 50


def partnership_timeline(*, partnership: Partnership, page_number: Any) -> Page:
    """A page of the partnership's events, newest first, with who did it and between which steps.

    `page_number` is taken as it comes from `?page=`: a value that is not a number gives the
    first page, one past either end the last page (`Paginator.get_page`, as the portal's other
    lists). Two queries: the count and the page's rows (none when there are no events); the
    rows are read here, so the template asks nothing more.
    """
    events = (
        PartnershipEvent.objects.filter(partnership=partnership)
        .select_related("actor", "from_step", "to_step")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(events, EVENTS_PER_PAGE).get_page(page_number)
    page.object_list = list(page.object_list)
    return page
