"""Co-sharing demo data: calls, proposals in every state and partnerships on every step.

Called by `manage.py seed_demo` (inside its transaction) after the demo regions, organisations and
people exist. Every row is written through the services, so rights, timelines, audit rows and
gate checks are the real ones. Idempotent: each scene is keyed by the title of its call, proposal
or partnership, and a scene whose row exists is left alone, so a second run creates nothing.

The content is demo data in the working language (Swedish, some English as companies write it);
it is not translated through the catalogs because it is what users would type.

The parts:

- `cast`: the demo regions, organisations and people (`Cast`), the region codes, organisation
  numbers and call titles the scenes use, and a partnership's region code and coordinator;
- `calls`: the demo calls (`seed_calls`);
- `proposals`: proposals in every state and the steps that move them (`seed_proposals`);
- `agreements`: agreements filled in, checked and accepted by the parties;
- `steps`: starting partnerships, clearing their steps and driving them along the process;
- `partnerships`: one partnership on every step, plus paused, completed, stale
  (`seed_partnerships`);
- this module: `seed_cosharing_demo`, which loads them all.
"""

from typing import Any

from ..models import Call, Partnership, Proposal
from .calls import seed_calls
from .cast import (
    CARESENSE,
    DEMO_NAMESPACE,
    HALSA_NORR,
    NORDIC_MEDTECH,
    OSTERGOTLAND,
    RACE,
    REMOTE_CARE_CALL,
    SELF_MONITORING_CALL,
    UPPSALA,
    UPPSALA_UNIVERSITY,
    VASTERBOTTEN,
    VGR,
    Cast,
    _cast,
)
from .partnerships import seed_partnerships
from .proposals import Step, seed_proposals

__all__ = [
    "CARESENSE",
    "DEMO_NAMESPACE",
    "HALSA_NORR",
    "NORDIC_MEDTECH",
    "OSTERGOTLAND",
    "RACE",
    "REMOTE_CARE_CALL",
    "SELF_MONITORING_CALL",
    "UPPSALA",
    "UPPSALA_UNIVERSITY",
    "VASTERBOTTEN",
    "VGR",
    "Cast",
    "Step",
    "seed_calls",
    "seed_cosharing_demo",
    "seed_partnerships",
    "seed_proposals",
]


def seed_cosharing_demo(*, stdout: Any = None) -> None:
    """Load the Co-sharing demo; call inside seed_demo's transaction, after its people exist."""
    cast = _cast()
    calls = seed_calls(cast)
    seed_proposals(cast, calls)
    seed_partnerships(cast)
    if stdout is not None:
        stdout.write(
            f"Co-sharing demo: {Call.objects.count()} calls, {Proposal.objects.count()} "
            f"proposals, {Partnership.objects.count()} partnerships."
        )
