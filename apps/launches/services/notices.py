"""Telling the people of a launch that it did not start or stopped: an e-mail through Django's e-mail
backend (the console in the embedded default); the home page lists such launches too."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.core.mail import send_mail
from django.db.models import Q

from apps.launches.models import Launch


def people(launch: Launch) -> list[User]:
    """The owner and everyone who may approve launches (directly or by their role)."""
    approve = Permission.objects.filter(codename="approve_launches", content_type__app_label="launches")
    approvers = User.objects.filter(Q(groups__permissions__in=approve) | Q(user_permissions__in=approve))
    found = {user.pk: user for user in approvers.filter(is_active=True).distinct()}
    if launch.owner is not None:
        found[launch.owner.pk] = launch.owner
    return [user for user in found.values() if user.email]


def tell(launch: Launch, subject: str, why: str) -> int:
    addresses = sorted({user.email for user in people(launch)})
    if not addresses:
        return 0
    url = f"{settings.SITE_URL.rstrip('/')}{launch.get_absolute_url()}" if settings.SITE_URL else ""
    body = f"{why}\n\n{url}".strip()
    return send_mail(subject, body, None, addresses, fail_silently=True)
