"""factory-boy factories for calls and proposals.

Build state through the services where the test is about behaviour (they check rights, write the
audit trail and send mail); these factories make raw rows for the cases where that is the point.
"""

import datetime as dt

import factory
from django.utils import timezone

from partnerships.models import Call, CallCriterion, CollaborationKind, Proposal
from partnerships.workflow import ProposalStatus
from regions.models import Region
from tests.factories import OrganisationFactory, UserFactory


def _region(slug: str = "uppsala") -> Region:
    return Region.objects.get(slug=slug)


class CallFactory(factory.django.DjangoModelFactory):
    """A published call of Region Uppsala, open from yesterday for thirty days."""

    class Meta:
        model = Call
        skip_postgeneration_save = True

    lead_region = factory.LazyFunction(_region)
    title = factory.Sequence(lambda n: f"Home monitoring after surgery {n}")
    description = "Patients go home earlier and need to be followed up safely."
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))
    published = True

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            self.regions.set(extracted or [self.lead_region])


class CallCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CallCriterion

    call = factory.SubFactory(CallFactory)
    order = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Benefit for patients {n}")
    weight = 1


class ProposalFactory(factory.django.DjangoModelFactory):
    """A complete draft from a company to Region Uppsala's one way in."""

    class Meta:
        model = Proposal

    organisation = factory.SubFactory(OrganisationFactory)
    region = factory.LazyFunction(_region)
    created_by = factory.SubFactory(UserFactory)
    status = ProposalStatus.DRAFT
    title = factory.Sequence(lambda n: f"Remote wound monitoring {n}")
    summary = "A camera app lets patients photograph wounds at home for the nurse to assess."
    care_need = "Fewer visits to the clinic after surgery."
    solution = "An app and a dashboard for the care unit."
    trl = 6
    collaboration_kind = CollaborationKind.CLINICAL_EVALUATION
    company_brings = "The app, training and support."
    company_asks = "A clinic that tests it with twenty patients."
    contact_name = "Kim Berg"
    contact_email = "kim.berg@example.se"
