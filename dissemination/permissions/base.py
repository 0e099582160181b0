"""Who may see and organise events, publications and lessons learned.

Organisers of a region's events and publications are its coordinators; portal admins organise
national ones and may act for every region. Everything that is not public answers 404 to people
who may not see it, in pages, fragments and downloads alike.
"""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from partnerships.permissions import (
    coordinated_region_ids,
    partnerships_visible_to,
    sponsored_region_ids,
)
from portal.accounts.permissions import is_portal_admin
from portal.core.security import access_refused

from ..models import Event, Lesson, Publication
from ..workflow import EVENT_PUBLIC_STATES, LessonStatus, PublicationStatus


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active


def _as_int(pk: Any) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc


def can_organise_for_region(user: Any, region_id: int | None) -> bool:
    """Coordinators organise their region's events and publications; portal admins organise
    national ones (region None) and every region's."""
    if not _signed_in(user):
        return False
    if is_portal_admin(user):
        return True
    return region_id is not None and region_id in coordinated_region_ids(user)


def organised_scope(user: Any) -> Q:
    """A filter for the rows (events or publications) the user organises."""
    if not _signed_in(user):
        return Q(pk__in=[])
    if is_portal_admin(user):
        # Not Q(): an empty Q vanishes when OR-ed with another condition.
        return Q(pk__isnull=False)
    return Q(region_id__in=coordinated_region_ids(user))


def can_organise(user: Any, obj: Event | Publication) -> bool:
    return can_organise_for_region(user, obj.region_id)


def can_see_reach(user: Any) -> bool:
    """Reach figures are for reporting: coordinators, management sponsors and portal admins."""
    if not _signed_in(user):
        return False
    return bool(is_portal_admin(user) or coordinated_region_ids(user) or sponsored_region_ids(user))


def reach_region_ids(user: Any) -> frozenset[int] | None:
    """The regions whose reach the user may read; None means every region and national."""
    if is_portal_admin(user):
        return None
    return coordinated_region_ids(user) | sponsored_region_ids(user)


# --- Events -------------------------------------------------------------------------------

# Public once published: a draft that was cancelled was never public.
PUBLIC_EVENT = Q(status__in=EVENT_PUBLIC_STATES, published_at__isnull=False)


def is_public_event(event: Event) -> bool:
    return event.status in EVENT_PUBLIC_STATES and event.published_at is not None


def events_visible_to(user: Any) -> QuerySet[Event]:
    """Published, postponed and cancelled events for everyone; drafts for their organisers."""
    qs = Event.objects.all()
    rule = PUBLIC_EVENT
    if _signed_in(user):
        rule |= organised_scope(user)
    return qs.filter(rule)


def get_event_for_user_or_404(user: Any, pk: Any) -> Event:
    event = events_visible_to(user).select_related("region").filter(pk=_as_int(pk)).first()
    if event is None:
        raise Http404
    return event


def get_event_to_organise_or_404(user: Any, pk: Any) -> Event:
    """The event if the user organises it; 404 otherwise, even when the event is public."""
    event = (
        Event.objects.select_related("region").filter(organised_scope(user), pk=_as_int(pk)).first()
    )
    if event is None or not can_organise(user, event):
        access_refused("event", pk, user=user, exists=Event.objects.filter(pk=_as_int(pk)).exists)
        raise Http404
    return event


# --- Publications -------------------------------------------------------------------------


def publications_visible_to(user: Any) -> QuerySet[Publication]:
    qs = Publication.objects.all()
    rule = Q(status=PublicationStatus.PUBLISHED)
    if _signed_in(user):
        rule |= organised_scope(user)
    return qs.filter(rule)


def get_publication_for_user_or_404(user: Any, pk: Any) -> Publication:
    publication = (
        publications_visible_to(user).select_related("region").filter(pk=_as_int(pk)).first()
    )
    if publication is None:
        raise Http404
    return publication


def get_publication_to_organise_or_404(user: Any, pk: Any) -> Publication:
    publication = (
        Publication.objects.select_related("region")
        .filter(organised_scope(user), pk=_as_int(pk))
        .first()
    )
    if publication is None or not can_organise(user, publication):
        raise Http404
    return publication


# --- Lessons learned ----------------------------------------------------------------------


def lessons_visible_to(user: Any) -> QuerySet[Lesson]:
    """Published lessons for everyone; every lesson of a partnership to those who may see the
    partnership (its parties, the region's coordinators and sponsors, portal admins)."""
    qs = Lesson.objects.all()
    rule = Q(status=LessonStatus.PUBLISHED)
    if _signed_in(user):
        rule |= Q(partnership__in=partnerships_visible_to(user))
    return qs.filter(rule)


def get_lesson_for_user_or_404(user: Any, pk: Any) -> Lesson:
    lesson = (
        lessons_visible_to(user)
        .select_related("partnership__region", "step", "author")
        .filter(pk=_as_int(pk))
        .first()
    )
    if lesson is None:
        access_refused("lesson", pk, user=user, exists=Lesson.objects.filter(pk=_as_int(pk)).exists)
        raise Http404
    return lesson


def can_review_lesson(user: Any, lesson: Lesson) -> bool:
    """The partnership's region coordinators (and portal admins) publish lessons."""
    if not _signed_in(user):
        return False
    return is_portal_admin(user) or lesson.partnership.region_id in coordinated_region_ids(user)
