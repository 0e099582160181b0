"""The shapes of the demo content: plain data, written as the people who met the obstacles
would type it (paragraphs separated by a blank line; the services turn them into the safe HTML
subset on write)."""

from dataclasses import dataclass

# Who writes or endorses (keys of `cast.DemoCast.people`):
#   ost, vb, upp, vgr   the coordinators of Östergötland, Västerbotten, Uppsala and VGR
#   s-ost, s-vb, s-upp, s-vgr   their management sponsors
#   nordic, caresense, halsanorr   the company people (Nordic Medtech, CareSense and
#                                  Digital Hälsa Norr)
#   uu   the academic (Uppsala universitet)
#   reviewer, admin   the obstacle reviewer and the portal admin


@dataclass(frozen=True)
class ObstacleSpec:
    """One register entry. `region` is a region slug, None for a national obstacle; `step` a
    Co-sharing step key, "" for several steps; `met_by` the people whose organisation (or who
    themselves, without one) say "we met this too"."""

    title: str
    description: str
    category: str
    step: str
    actors: tuple[str, ...]
    region: str | None
    severity: int
    evidence: str
    mitigation: str
    author: str
    language: str = "sv"
    met_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class WaitingSpec:
    """An entry that is not (or no longer) published: where it stands and why.

    `state` is one of: draft, submitted, in_review, changes_requested, rejected, merged,
    withdrawn. `claimed_by` (in_review) is a cast key; `merge_into` the title of the published
    entry it duplicates; `reason` the reviewer's words to the author."""

    entry: ObstacleSpec
    state: str
    reason: str = ""
    claimed_by: str = ""
    merge_into: str = ""


@dataclass(frozen=True)
class MitigationSpec:
    """How someone got past one or more obstacles (named by their titles)."""

    title: str
    description: str
    obstacles: tuple[str, ...]
    region: str | None
    author: str
    partnership: str = ""  # title of a demo partnership where it worked
    language: str = "sv"
    published: bool = True


@dataclass(frozen=True)
class ArticleSpec:
    """A knowledge article on cloud-based digital solutions; `body` paragraphs separated by a
    blank line, `references` one per line (by title: no invented addresses)."""

    title: str
    summary: str
    body: str
    references: str
    topic: str
    obstacles: tuple[str, ...]
    author: str
    language: str = "sv"
    published: bool = True
    last_reviewed: str = "2026-09-15"  # ISO date; "" leaves it empty


@dataclass(frozen=True)
class NoteSpec:
    """An obstacle noted in a demo partnership (by its title) on a step, and the published
    entry it is linked to ("" leaves it unlinked, for trying "Link" and "Propose")."""

    partnership: str
    step: str
    author: str
    text: str
    links_to: str = ""
