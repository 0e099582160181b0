"""Links between a partnership's obstacle notes and the register's entries.

People who work on a partnership note the obstacles they meet on a step
(`partnerships.ObstacleNote`). Here they link such a note to a published entry ("we met this
one"), remove the link, or propose the note as a new entry: a draft for them to complete and
submit, prefilled from the note. A merge of entries moves the links to the surviving entry
(`merge.merge_links`).

Rules enforced here: the actor works on the partnership and it is open (`permissions.links`);
only a published entry can be linked; linking to the entry already linked changes nothing;
proposing the same note twice (a double submit) returns the first draft. Every change writes an
audit row.
"""

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from partnerships.models import ObstacleNote, PartyKind
from partnerships.permissions.base import can_work_on_partnership
from portal.core.audit import audit_record

from ..models import Actor, Category, Obstacle, Severity
from ..models.obstacles import CONTENT_LANGUAGES
from ..permissions.links import can_link_note
from ..workflow import ObstacleStatus
from .entries import default_step_keys, obstacle_create

TITLE_MAX = Obstacle._meta.get_field("title").max_length or 200
# A proposed title longer than this is cut at a word and ends with an ellipsis.
TITLE_SOFT_MAX = 120
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")

# Which actor each kind of party stands for.
PARTY_ACTORS: dict[str, str] = {
    PartyKind.REGION: "healthcare",
    PartyKind.COMPANY: "company",
    PartyKind.ACADEMIA: "academia",
}

# Word beginnings (Swedish and English) that hint at a category, to prefill the draft; the
# author checks it before submitting.
CATEGORY_HINTS: dict[str, tuple[str, ...]] = {
    "regulation-mdr": (
        "mdr",
        "ivdr",
        "ce-märk",
        "ce mark",
        "medicintekni",
        "medical device",
        "klassning",
        "klass ii",
        "class ii",
        "anmält organ",
        "notified bod",
        "läkemedelsverket",
    ),
    "data-protection-cloud": (
        "moln",
        "cloud",
        "gdpr",
        "dataskydd",
        "personuppgift",
        "sekretess",
        "secrecy",
        "tredjeland",
        "third countr",
        "schrems",
        "biträd",
        "data protection",
        "personal data",
    ),
    "procurement-lou": (
        "upphandl",
        "procure",
        "lou",
        "ramavtal",
        "framework agreement",
        "offert",
        "tender",
    ),
    "financing": (
        "ersättning",
        "finansier",
        "budget",
        "betala",
        "kostnad",
        "reimburs",
        "funding",
        "debiter",
        "cost",
    ),
    "organisation-culture": (
        "ledning",
        "chef",
        "förankr",
        "avsatt tid",
        "omorganis",
        "management",
        "leadership",
        "staff time",
        "culture",
        "kultur",
    ),
    "competence-capacity": ("kompetens", "kunskap", "competence", "capacity", "kapacitet"),
    "it-interoperability": (
        "journal",
        "integration",
        "gränssnitt",
        "fhir",
        "interoper",
        "ehr",
        "siths",
        "nätverk",
        "network",
        "wifi",
        "trådlös",
        "inloggning",
    ),
    "evidence-evaluation": (
        "evidens",
        "utvärder",
        "hälsoekonom",
        "utfallsmått",
        "evidence",
        "evaluat",
        "outcome",
        "health econom",
    ),
    "agreements-ip": (
        "avtal",
        "agreement",
        "contract",
        "immateriell",
        "äganderätt",
        "äger",
        "licens",
        "licence",
        "nda",
        "intellectual property",
    ),
}
# When no word hints at a category: the category most entries on that step have.
STEP_CATEGORIES = {
    "entry": "organisation-culture",
    "needs": "organisation-culture",
    "agreement": "agreements-ip",
    "test": "it-interoperability",
    "evaluation": "evidence-evaluation",
    "dissemination": "procurement-lou",
}


def proposed_title(text: str) -> str:
    """The note's first sentence, without its full stop, cut at a word if it is long."""
    text = " ".join((text or "").split())
    first = _SENTENCE_END.split(text, maxsplit=1)[0].rstrip(".") if text else ""
    if len(first) <= TITLE_SOFT_MAX:
        return first
    cut = first[:TITLE_SOFT_MAX].rsplit(" ", 1)[0].rstrip(",;:–-")
    return f"{cut}…"[:TITLE_MAX]


def guess_category(text: str, step_key: str) -> Category | None:
    """The active category whose hint words the note uses most; else the usual one for the
    step; else the first active category."""
    active = {c.slug: c for c in Category.objects.filter(is_active=True).order_by("order", "slug")}
    if not active:
        return None
    lowered = (text or "").lower()
    scores = {
        slug: sum(len(re.findall(rf"(?<!\w){re.escape(hint)}", lowered)) for hint in hints)
        for slug, hints in CATEGORY_HINTS.items()
        if slug in active
    }
    best = max(scores.values(), default=0)
    if best:
        # Ties go to the category listed first (the admins' order).
        return next(c for slug, c in active.items() if scores.get(slug) == best)
    fallback = active.get(STEP_CATEGORIES.get(step_key, ""))
    return fallback or next(iter(active.values()))


def _require(actor: Any, note: ObstacleNote) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    if not can_link_note(actor, note):
        # A worker on a closed partnership is told why; anyone else is simply refused.
        if can_work_on_partnership(actor, note.partnership):
            raise ValidationError(
                _("The partnership is closed: its obstacle notes can no longer be changed.")
            )
        raise PermissionDenied


def _lock(note: ObstacleNote) -> ObstacleNote:
    return (
        ObstacleNote.objects.select_for_update(of=("self",))
        .select_related("partnership", "step")
        .get(pk=note.pk)
    )


@transaction.atomic
def note_link(*, note: ObstacleNote, obstacle: Obstacle, actor: Any) -> ObstacleNote:
    """Link the note to a published entry of the register (replacing any earlier link).

    Refused (ValidationError) for an entry that is not published; linking the entry already
    linked changes nothing (no second audit row).
    """
    _require(actor, note)
    locked = _lock(note)
    target = Obstacle.objects.filter(pk=obstacle.pk).first()
    if target is None or target.status != ObstacleStatus.PUBLISHED:
        raise ValidationError(
            {"obstacle": _("Only a published entry of the register can be linked.")}
        )
    if locked.obstacle_id == target.pk:
        locked.obstacle = target
        return locked
    previous = locked.obstacle_id
    locked.obstacle = target
    locked.save(update_fields=["obstacle", "updated_at"])
    audit_record(
        actor=actor,
        action="obstacle.note_link",
        target=locked,
        data={"obstacle": target.pk, "previous": previous, "partnership": locked.partnership_id},
    )
    return locked


@transaction.atomic
def note_unlink(*, note: ObstacleNote, actor: Any) -> ObstacleNote:
    """Remove the note's link to the register; a note without a link is left as it is. A draft
    proposed from the note stays with its author."""
    _require(actor, note)
    locked = _lock(note)
    if locked.obstacle_id is None:
        return locked
    previous = locked.obstacle_id
    locked.obstacle = None
    locked.save(update_fields=["obstacle", "updated_at"])
    audit_record(
        actor=actor,
        action="obstacle.note_unlink",
        target=locked,
        data={"previous": previous, "partnership": locked.partnership_id},
    )
    return locked


def _draft_data(note: ObstacleNote, actor: Any) -> dict[str, Any]:
    partnership = note.partnership
    step_key = note.step.key if note.step.key in default_step_keys() else ""
    kinds = set(partnership.parties.values_list("kind", flat=True))
    actor_slugs = {PARTY_ACTORS[k] for k in kinds if k in PARTY_ACTORS}
    language = getattr(actor, "preferred_language", "") or "sv"
    if language not in {code for code, _name in CONTENT_LANGUAGES}:
        language = "sv"
    return {
        "title": proposed_title(note.text),
        "description": note.text,
        "category": guess_category(note.text, step_key),
        "step_key": step_key,
        "actors": list(Actor.objects.filter(slug__in=actor_slugs).order_by("order")),
        "region": partnership.region,
        "severity": Severity.MEDIUM,
        "evidence": "",
        "known_mitigation": "",
        "language": language,
        # A second press of the button (or a second tab) gets the first draft back.
        "client_token": f"partnership-note-{note.pk}",
    }


@transaction.atomic
def note_propose_obstacle(*, note: ObstacleNote, actor: Any) -> Obstacle:
    """Make the note a new entry: a DRAFT of the actor's, prefilled from the note (title from
    its first sentence, the note as description, its step, the partnership's region, the
    parties' kinds as actors, a category guessed from the words), and link the note to it.

    The draft says nothing about the partnership, which may be private: the author decides what
    the public entry tells. Proposing again returns the same draft; a note already linked to
    another entry (published, or someone else's proposal) is refused with the reason.
    """
    _require(actor, note)
    locked = _lock(note)
    if locked.obstacle_id is not None:
        current = Obstacle.objects.filter(pk=locked.obstacle_id).first()
        if (
            current is not None
            and current.author_id == actor.pk
            and current.status != ObstacleStatus.PUBLISHED
        ):
            return current
        if current is not None and current.status == ObstacleStatus.PUBLISHED:
            raise ValidationError(
                _(
                    "This note is already linked to the entry “%(title)s”. Remove the link "
                    "first if the note describes another obstacle."
                )
                % {"title": current.title}
            )
        raise ValidationError(
            _(
                "Someone else has already proposed this note as a new obstacle. Remove the "
                "link first if you want to propose it yourself."
            )
        )
    obstacle = obstacle_create(author=actor, data=_draft_data(locked, actor))
    locked.obstacle = obstacle
    locked.save(update_fields=["obstacle", "updated_at"])
    audit_record(
        actor=actor,
        action="obstacle.note_propose",
        target=locked,
        data={"obstacle": obstacle.pk, "partnership": locked.partnership_id},
    )
    return obstacle


__all__ = [
    "guess_category",
    "note_link",
    "note_propose_obstacle",
    "note_unlink",
    "proposed_title",
]
