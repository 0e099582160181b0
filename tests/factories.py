"""factory-boy factories for the accounts models (other apps keep theirs beside their tests)."""

import factory
from allauth.account.models import EmailAddress

from portal.accounts.models import (
    JoinRequest,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    User,
)
from portal.accounts.orgnr import luhn_check_digit
from portal.core.models import AuditEvent

PASSWORD = "correct-horse-battery"


def _org_number(n: int) -> str:
    first_nine = f"556{n:06d}"
    return f"{first_nine[:6]}-{first_nine[6:]}{luhn_check_digit(first_nine)}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.se")
    name = factory.Faker("name", locale="sv_SE")
    preferred_language = "en"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        """Every factory user has a verified primary address, as allauth requires to sign in."""
        if create:
            self.save()
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.COMPANY
    name = factory.Sequence(lambda n: f"Medtech {n} AB")
    org_number = factory.Sequence(_org_number)
    website = "https://example.se"
    description = ""


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = MembershipRole.MEMBER


class JoinRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JoinRequest

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    message = "We work with this organisation."


class AuditEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEvent

    actor = factory.SubFactory(UserFactory)
    action = "organisation.update"
    target_type = "accounts.organisation"
    target_id = "1"
    target_repr = "Medtech AB"
