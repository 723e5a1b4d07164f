"""E-mail through Django's mail API (the configured EMAIL_BACKEND)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from yankao.messaging.models import OutboxMessage
from yankao.messaging.secrets import message_body


def build_email(message: OutboxMessage) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message_body(message),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=message.recipients,
        headers={"Message-ID": message.message_id},
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    return email


def send(message: OutboxMessage) -> None:
    # fail_silently=False: any backend error reaches the outbox, which retries.
    build_email(message).send(fail_silently=False)
