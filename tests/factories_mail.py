"""factory-boy factory for the outbox (portal.core.models.OutgoingMail)."""

import factory

from portal.core.models import MailStatus, OutgoingMail


class OutgoingMailFactory(factory.django.DjangoModelFactory):
    """A row as the OutboxBackend writes it; pass `status`, `attempts`, `last_error`… for the
    states delivery leads to."""

    class Meta:
        model = OutgoingMail

    recipient = None
    to = factory.LazyAttribute(
        lambda o: o.recipient.email if o.recipient is not None else "someone@example.se"
    )
    kind = ""
    subject = factory.Sequence(lambda n: f"Message {n}")
    body = factory.Sequence(lambda n: f"The private text of message {n}.")
    from_email = "portal@innovation-accelerator.se"
    status = MailStatus.PENDING
