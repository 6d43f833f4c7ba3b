from django.db import transaction

from .models import Subscriber


def normalize_email(address: str) -> str:
    return address.strip().lower()


@transaction.atomic
def subscribe(*, email: str) -> Subscriber:
    """Store a newsletter address once; signing up again changes nothing."""
    subscriber, _ = Subscriber.objects.get_or_create(email=normalize_email(email))
    return subscriber
