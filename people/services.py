"""The Daily Briefing's subscriptions: double opt-in through signed links.

Signing up stores the address as pending and queues a task that emails a
link to confirm it (the request never waits on the mail server:
``kdrama_rewind.tasks``); nothing else is sent until it is confirmed. Every
email carries an unsubscribe link and RFC 8058 one-click headers.

Links are signed with ``django.core.signing``, not stored. Each carries only
the subscriber's id; the signature is bound to their address (and, for a
confirm link, to the moment they signed up) through the salt, so links hold
no personal data, and signing up again after unsubscribing makes older
confirm links stale. Confirm links expire after ``CONFIRM_LINK_MAX_AGE``;
unsubscribe links never do.
"""

import email.policy
import logging
from datetime import UTC, datetime, timedelta
from email.headerregistry import HeaderRegistry, UnstructuredHeader

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import punycode

from kdrama_rewind.tasks import enqueue_on_commit
from kdrama_rewind.web.links import absolute_url

from .models import Subscriber

logger = logging.getLogger(__name__)

CONFIRM_SALT = "people.newsletter.confirm"
UNSUBSCRIBE_SALT = "people.newsletter.unsubscribe"
CONFIRM_LINK_MAX_AGE = timedelta(days=7)
# A pending address asked for again gets the confirmation again, at most
# this often: signing someone else up cannot flood their inbox.
CONFIRMATION_RESEND_INTERVAL = timedelta(minutes=15)
INVALID_ADDRESS = "Enter a valid email address."
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class InvalidLink(Exception):
    """A newsletter link that was altered, or that no longer applies."""


class ExpiredLink(InvalidLink):
    """A genuine confirm link, too old to use; ``email`` is whom it was for."""

    def __init__(self, email: str):
        super().__init__(f"The confirm link for {email} has expired.")
        self.email = email


def normalize_email(address: str) -> str:
    """The one stored form of an address: trimmed, lower-cased, its domain
    in IDNA (ASCII) form. Raises ``ValidationError`` for anything that is not
    a plain deliverable address, including one with control characters."""
    address = address.strip()
    if any(not ch.isprintable() for ch in address):
        raise ValidationError(
            "The address contains characters that are not allowed.", code="invalid"
        )
    local, at, domain = address.rpartition("@")
    # A domain literal (x@[127.0.0.1]) names a machine, not a mailbox provider.
    if not (local and at and domain) or domain.startswith("["):
        raise ValidationError(INVALID_ADDRESS, code="invalid")
    try:
        domain = punycode(domain.lower())
    except UnicodeError:
        raise ValidationError(INVALID_ADDRESS, code="invalid") from None
    normalized = f"{local.lower()}@{domain}"
    if len(normalized) > Subscriber._meta.get_field("email").max_length:
        raise ValidationError(INVALID_ADDRESS, code="invalid")
    validate_email(normalized)
    return normalized


# Links -----------------------------------------------------------------------


def _sign_up_stamp(subscriber: Subscriber) -> int:
    """The sign-up moment in whole microseconds: exact, unlike a float."""
    return (subscriber.subscribed_at - _EPOCH) // timedelta(microseconds=1)


def _confirm_signer(subscriber: Subscriber) -> signing.TimestampSigner:
    return signing.TimestampSigner(
        salt=f"{CONFIRM_SALT}:{subscriber.email}:{_sign_up_stamp(subscriber)}"
    )


def _unsubscribe_signer(subscriber: Subscriber) -> signing.Signer:
    return signing.Signer(salt=f"{UNSUBSCRIBE_SALT}:{subscriber.email}")


def _subscriber_named_by(token: str, *, lock: bool = False) -> Subscriber:
    pk = token.partition(":")[0]
    if not (pk.isascii() and pk.isdigit() and len(pk) <= 18):
        raise InvalidLink("The link names no subscriber.")
    subscribers = Subscriber.objects.select_for_update() if lock else Subscriber.objects
    try:
        return subscribers.get(pk=int(pk))
    except Subscriber.DoesNotExist:
        raise InvalidLink("The link's subscriber is gone.") from None


def confirm_url(subscriber: Subscriber) -> str:
    token = _confirm_signer(subscriber).sign(str(subscriber.pk))
    return absolute_url(reverse("people:newsletter_confirm", kwargs={"token": token}))


def unsubscribe_url(subscriber: Subscriber) -> str:
    token = _unsubscribe_signer(subscriber).sign(str(subscriber.pk))
    return absolute_url(reverse("people:newsletter_unsubscribe", kwargs={"token": token}))


def subscriber_to_confirm(token: str, *, lock: bool = False) -> Subscriber:
    """The subscriber a confirm link is for, changing nothing. Raises
    ``ExpiredLink`` or ``InvalidLink``: altered, for an earlier sign-up, or
    for an address that has unsubscribed since."""
    subscriber = _subscriber_named_by(token, lock=lock)
    signer = _confirm_signer(subscriber)
    try:
        signer.unsign(token, max_age=CONFIRM_LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise ExpiredLink(subscriber.email) from None
    except signing.BadSignature:
        raise InvalidLink("The confirm link does not match.") from None
    if subscriber.unsubscribed_at is not None:
        raise InvalidLink("The address has unsubscribed since the link was sent.")
    return subscriber


def subscriber_to_unsubscribe(token: str, *, lock: bool = False) -> Subscriber:
    """The subscriber an unsubscribe link is for, changing nothing."""
    subscriber = _subscriber_named_by(token, lock=lock)
    try:
        _unsubscribe_signer(subscriber).unsign(token)
    except signing.BadSignature:
        raise InvalidLink("The unsubscribe link does not match.") from None
    return subscriber


# Emails ----------------------------------------------------------------------


class _OneLineHeader(UnstructuredHeader):
    """Folded at whitespace only, within RFC 5322's 998-character limit.

    A List-Unsubscribe value is one long URL; at the usual 78 characters the
    email package splits it into RFC 2047 encoded words, which mail
    providers do not read as an unsubscribe link."""

    def fold(self, *, policy):
        return super().fold(policy=policy.clone(max_line_length=998))


_HEADERS = HeaderRegistry()
_HEADERS.map_to_type("list-unsubscribe", _OneLineHeader)


class NewsletterEmail(EmailMultiAlternatives):
    """An email to one subscriber, in plain text and HTML from the templates
    ``<template>.txt`` and ``<template>.html``, with their own unsubscribe
    link in the body and in RFC 8058 one-click headers."""

    def __init__(self, *, subscriber: Subscriber, subject: str, template: str, context: dict):
        link = unsubscribe_url(subscriber)
        context = {
            **context,
            "site_name": settings.SITE_NAME,
            "site_url": absolute_url("/"),
            "unsubscribe_url": link,
        }
        super().__init__(
            subject=subject,
            body=render_to_string(f"{template}.txt", context),
            to=[subscriber.email],
            headers={
                "List-Unsubscribe": f"<{link}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        self.attach_alternative(render_to_string(f"{template}.html", context), "text/html")

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(header_factory=_HEADERS))


@task
def send_confirmation(subscriber_id: int) -> bool:
    """Email the link that confirms a sign-up, run by a task worker after
    every accepted sign-up. Nothing is sent to an address that is confirmed
    or unsubscribed by then, nor one sent the link in the last
    ``CONFIRMATION_RESEND_INTERVAL``. Returns whether one was sent. A mail
    server that refuses fails the task (logged, and kept with its result);
    the reader may simply ask again."""
    subscriber = Subscriber.objects.filter(pk=subscriber_id).first()
    if subscriber is None or subscriber.confirmed_at or subscriber.unsubscribed_at:
        return False
    key = f"newsletter:confirmation-sent:{subscriber.pk}:{_sign_up_stamp(subscriber)}"
    if not cache.add(key, True, timeout=int(CONFIRMATION_RESEND_INTERVAL.total_seconds())):
        return False
    message = NewsletterEmail(
        subscriber=subscriber,
        subject=f"Confirm your subscription to the Daily Briefing from {settings.SITE_NAME}",
        template="emails/newsletter_confirm",
        context={
            "confirm_url": confirm_url(subscriber),
            "valid_days": CONFIRM_LINK_MAX_AGE.days,
        },
    )
    try:
        message.send()
    except OSError:  # smtplib's errors, refused connections and timeouts
        cache.delete(key)
        logger.exception("The confirmation email to subscriber %s was not sent.", subscriber.pk)
        raise
    return True


# Writes ----------------------------------------------------------------------


@transaction.atomic
def subscribe(*, email: str) -> Subscriber:
    """Sign an address up, or sign it up again after unsubscribing.

    A new, pending and confirmed address take the same steps (the same
    statements, and the confirmation queued after commit, whose task then
    sends nothing to a confirmed address) and no mail server is waited on,
    so neither the answer nor the time it takes reveals who is subscribed."""
    address = normalize_email(email)
    Subscriber.objects.bulk_create([Subscriber(email=address)], ignore_conflicts=True)
    subscriber = Subscriber.objects.select_for_update().get(email=address)
    if subscriber.unsubscribed_at is not None:
        subscriber.subscribed_at = timezone.now()
        subscriber.confirmed_at = None
        subscriber.unsubscribed_at = None
        subscriber.save(update_fields=["subscribed_at", "confirmed_at", "unsubscribed_at"])
    enqueue_on_commit(send_confirmation, subscriber.pk)
    return subscriber


@transaction.atomic
def confirm_subscription(*, token: str) -> Subscriber:
    """Confirm the address a confirm link is for; confirming twice is harmless."""
    subscriber = subscriber_to_confirm(token, lock=True)
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["confirmed_at"])
    return subscriber


@transaction.atomic
def unsubscribe(*, token: str) -> Subscriber:
    """Stop all email to the address an unsubscribe link is for; a second
    time changes nothing."""
    subscriber = subscriber_to_unsubscribe(token, lock=True)
    if subscriber.unsubscribed_at is None:
        subscriber.unsubscribed_at = timezone.now()
        subscriber.save(update_fields=["unsubscribed_at"])
    return subscriber
