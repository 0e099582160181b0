"""The people and things the fault tests act on, built through the services (committed: the
portal runs in other processes)."""

from dataclasses import dataclass
from typing import Any

from dissemination.models import Event
from obstacles.models import Obstacle
from obstacles.services import entries as obstacle_services
from obstacles.workflow import ObstacleMove
from partnerships.models import Proposal
from portal.core.models import OutgoingMail
from regions.models import RegionRole
from tests.factories import PASSWORD
from tests.factories_dissemination import EventFactory
from tests.factories_obstacles import make_reviewer
from tests.factories_partnerships import ProposalFactory
from tests.factories_process import make_company_member, make_region_person
from tests.obstacles.test_entry_scene import entry_data

from .conftest import make_totp

__all__ = ["PASSWORD", "World", "mail_to", "make_world", "production_password"]


@dataclass
class World:
    member: Any  # a company member, author of the proposal and the obstacle
    coordinator: Any  # Region Uppsala's coordinator, told about submitted proposals
    reviewer: Any  # an obstacle reviewer, with a real TOTP authenticator
    reviewer_totp: str
    attendee: Any  # anyone signed in, registering for the event
    proposal: Proposal  # a complete draft to Region Uppsala
    obstacle: Obstacle  # submitted, waiting for review
    event: Event  # published, seats left


def production_password(*users: Any) -> None:
    """The test settings hash passwords with MD5 (fast), which production does not accept:
    give the users PASSWORD hashed as production hashes it."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    for user in users:
        user.password = hasher.encode(PASSWORD, hasher.salt())
        user.save(update_fields=["password"])


def make_world() -> World:
    from tests.factories import UserFactory

    member = make_company_member(email="kim@caresense.example", name="Kim Berg")
    organisation = member.memberships.get().organisation
    coordinator = make_region_person(
        "uppsala", RegionRole.COORDINATOR, email="coordinator@uppsala.example.se"
    )
    reviewer = make_reviewer(email="rut@granskning.example.se", name="Rut Granskare")
    secret = make_totp(reviewer)
    draft = obstacle_services.obstacle_create(author=member, data=entry_data())
    obstacle = obstacle_services.obstacle_move(
        obstacle=draft, actor=member, move=ObstacleMove.SUBMIT
    )
    attendee = UserFactory(email="anna@example.se", name="Anna Andersson")
    production_password(member, reviewer, attendee)
    return World(
        member=member,
        coordinator=coordinator,
        reviewer=reviewer,
        reviewer_totp=secret,
        attendee=attendee,
        proposal=ProposalFactory(organisation=organisation, created_by=member),
        obstacle=obstacle,
        event=EventFactory(title="Webbinarium: vården möter företagen"),
    )


def mail_to(user: Any) -> list[OutgoingMail]:
    return list(OutgoingMail.objects.filter(to=user.email).order_by("pk"))
