"""Demo data for trying the portal: idempotent, so `make run` can call it every time."""

from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from dissemination.demo import seed_dissemination_demo
from obstacles.demo import seed_obstacles_demo
from partnerships.demo import seed_cosharing_demo
from portal.accounts.models import Membership, MembershipRole, Organisation, OrganisationKind, User
from portal.accounts.roles import Role
from portal.accounts.services import organisation_create, role_grant, role_revoke
from regions.models import InnovationUnit, Region, RegionAssignment, RegionRole, UnitKind
from regions.services import region_assign_role

DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 - printed for the demo; never used in production

REGIONS: dict[str, dict[str, Any]] = {
    "05": {
        "description": (
            "Region Östergötland built a self-monitoring solution together with companies: "
            "patients measure at home and the care unit follows the values."
        ),
        "contact_email": "innovation@regionostergotland.example",
        "website": "https://www.regionostergotland.se",
        "units": [
            (
                UnitKind.INNOVATION_OFFICE,
                "Innovationskontoret Östergötland",
                "Entry and triage of company requests; support through the Co-sharing steps.",
            ),
            (
                UnitKind.TEST_BED,
                "Testbädd egenmonitorering",
                "Test of self-monitoring solutions with patients at home and in primary care.",
            ),
        ],
    },
    "24": {
        "description": (
            "Region Västerbotten runs Innovation Clinics and partnerships with one way in "
            "(en väg in) for companies."
        ),
        "contact_email": "envagin@regionvasterbotten.example",
        "website": "https://www.regionvasterbotten.se",
        "units": [
            (
                UnitKind.INNOVATION_OFFICE,
                "En väg in – Region Västerbotten",
                "One way in for companies: every request is registered and answered.",
            ),
            (
                UnitKind.INNOVATION_CLINIC,
                "Innovationsklinik Västerbotten",
                "Meetings where companies, clinicians and patients test ideas together.",
            ),
        ],
    },
    "03": {
        "description": (
            "Region Uppsala set up innovation nodes in the care units and ran an innovation "
            "race: a needs-led challenge competition."
        ),
        "contact_email": "innovation@regionuppsala.example",
        "website": "https://www.regionuppsala.se",
        "units": [
            (
                UnitKind.INNOVATION_NODE,
                "Innovationsnod Akademiska sjukhuset",
                "Contact with clinicians and care needs at the university hospital.",
            ),
            (
                UnitKind.INNOVATION_NODE,
                "Innovationsnod Primärvården",
                "Needs and test opportunities in primary care.",
            ),
        ],
    },
    "14": {
        "description": (
            "Västra Götalandsregionen tested a new collaboration process between healthcare and "
            "the medtech industry, built on ISO 56002 and SKR's innovation guide."
        ),
        "contact_email": "innovation@vgregion.example",
        "website": "https://www.vgregion.se",
        "units": [
            (
                UnitKind.INNOVATION_OFFICE,
                "Innovationsplattformen VGR",
                "Innovation support and the region's collaboration process with industry.",
            ),
            (
                UnitKind.TEST_BED,
                "Testbädd Sahlgrenska",
                "Clinical test environment for medical devices and digital solutions.",
            ),
        ],
    },
}

ORGANISATIONS = [
    (OrganisationKind.COMPANY, "Nordic Medtech AB", "556677-8899", "https://nordicmedtech.example"),
    (OrganisationKind.COMPANY, "CareSense AB", "559123-4561", "https://caresense.example"),
    (OrganisationKind.COMPANY, "Digital Hälsa Norr AB", "556900-1125", ""),
    (OrganisationKind.ACADEMIA, "Uppsala universitet", "202100-2932", "https://www.uu.se"),
]

# email, name, (region code, region role) or None, extra roles, organisation
USERS: list[tuple[str, str, tuple[str, RegionRole] | None, list[Role], str | None]] = [
    ("admin@demo.example", "Astrid Admin", None, [Role.PORTAL_ADMIN], None),
    (
        "coordinator.ostergotland@demo.example",
        "Olof Östergötland",
        ("05", RegionRole.COORDINATOR),
        [],
        None,
    ),
    (
        "coordinator.vasterbotten@demo.example",
        "Vera Västerbotten",
        ("24", RegionRole.COORDINATOR),
        [],
        None,
    ),
    ("coordinator.uppsala@demo.example", "Ulla Uppsala", ("03", RegionRole.COORDINATOR), [], None),
    ("coordinator.vgr@demo.example", "Göran Götaland", ("14", RegionRole.COORDINATOR), [], None),
    ("sponsor.ostergotland@demo.example", "Siv Sponsor", ("05", RegionRole.SPONSOR), [], None),
    ("sponsor.uppsala@demo.example", "Sara Sponsor", ("03", RegionRole.SPONSOR), [], None),
    ("sponsor.vasterbotten@demo.example", "Viktor Sponsor", ("24", RegionRole.SPONSOR), [], None),
    ("sponsor.vgr@demo.example", "Gunilla Sponsor", ("14", RegionRole.SPONSOR), [], None),
    ("reviewer@demo.example", "Rune Reviewer", None, [Role.OBSTACLE_REVIEWER], None),
    ("company@demo.example", "Karin Företag", None, [], "556677-8899"),
    ("academic@demo.example", "Anders Akademi", None, [], "202100-2932"),
    ("caresense@demo.example", "Cecilia Sensor", None, [], "559123-4561"),
    ("halsanorr@demo.example", "Nils Norrland", None, [], "556900-1125"),
]


class Command(BaseCommand):
    help = "Load idempotent demo data: four programme regions, organisations and a user per role."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--print-logins", action="store_true", help="Only print the demo logins."
        )

    def handle(self, *args: Any, print_logins: bool = False, **options: Any) -> None:
        if not print_logins:
            # The demo is built through the real services, which tell people by mail; nobody
            # needs those dozens of messages on the console (tasks run in-process by default).
            with (
                override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
                transaction.atomic(),
            ):
                self._seed()
            self.stdout.write(self.style.SUCCESS("Demo data is in place."))
        self._print_logins()

    def _user(self, email: str, name: str) -> User:
        user, created = User.objects.get_or_create(email=email, defaults={"name": name})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def _seed(self) -> None:
        for code, data in REGIONS.items():
            region = Region.objects.get(code=code)
            for field in ("description", "contact_email", "website"):
                if not getattr(region, field):
                    setattr(region, field, data[field])
            region.participating = True
            region.save()
            for kind, name, offers in data["units"]:
                InnovationUnit.objects.get_or_create(
                    region=region,
                    name=name,
                    defaults={
                        "kind": kind,
                        "offers": offers,
                        "contact_email": data["contact_email"],
                    },
                )

        admin = self._user("admin@demo.example", "Astrid Admin")
        if not admin.is_superuser:
            admin.is_superuser = admin.is_staff = True
            admin.save(update_fields=["is_superuser", "is_staff"])
        role_grant(user=admin, role=Role.PORTAL_ADMIN)

        founder = admin
        organisations: dict[str, Organisation] = {}
        for kind, name, number, website in ORGANISATIONS:
            org = Organisation.objects.filter(org_number=number).first()
            if org is None:
                org = organisation_create(
                    creator=founder,
                    data={"kind": kind, "name": name, "org_number": number, "website": website},
                )
                # The demo admin only founded it; hand it over below.
            organisations[number] = org

        for email, name, region_role, roles, org_number in USERS:
            user = self._user(email, name)
            for role in roles:
                role_grant(user=user, role=role)
            if region_role:
                code, rrole = region_role
                region = Region.objects.get(code=code)
                if not RegionAssignment.objects.filter(
                    region=region, user=user, role=rrole
                ).exists():
                    region_assign_role(actor=admin, region=region, user=user, role=rrole)
            if org_number:
                org = organisations[org_number]
                Membership.objects.get_or_create(
                    user=user, organisation=org, defaults={"role": MembershipRole.ADMIN}
                )
                if org.kind == OrganisationKind.COMPANY:
                    role_grant(user=user, role=Role.COMPANY_MEMBER)
        # The organisations belong to their own people, not to the portal admin who seeded them.
        Membership.objects.filter(user=admin).delete()
        role_revoke(user=admin, role=Role.COMPANY_MEMBER)
        # Co-sharing: calls, proposals and partnerships, written through the app's services.
        seed_cosharing_demo(stdout=self.stdout)
        # Co-creation: the obstacle register, its review queue, mitigations and knowledge base.
        seed_obstacles_demo(stdout=self.stdout)
        # Dissemination: events, registrations, publications, lessons learned and reach.
        seed_dissemination_demo(stdout=self.stdout)

    def _print_logins(self) -> None:
        exempt = set(settings.PORTAL_MFA_EXEMPT_EMAILS)
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for email, _name, region_role, roles, org in USERS:
            what: list[str] = [str(r.label) for r in roles]
            if region_role:
                what.append(f"{region_role[1].label}, region {region_role[0]}")
            if org:
                what.append(f"organisation {org}")
            mfa = "" if email in exempt or not (roles or region_role) else " (MFA required)"
            self.stdout.write(f"  {email:42} {', '.join(str(w) for w in what)}{mfa}")
        self.stdout.write("")
