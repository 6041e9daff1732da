"""Background jobs of notifications (run by `amparo db_worker`)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from .kinds import is_safe_target
from .models import Notification
from .selectors import reachable_recipients


@task()
def send_notification_email(notification_id: int) -> bool:
    """E-mail a notification: a fixed subject, the kind's label and a link, in the recipient's language.

    Idempotent and safe with several workers: the notification is claimed (``emailed_at`` set) by one
    conditional UPDATE before sending, and released again if sending fails so a retry can send it.
    Returns whether a message was sent.
    """
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at is not None:
        return False
    recipient = notification.recipient
    if not recipient.email or not is_safe_target(notification.target_url):
        return False
    if not reachable_recipients([recipient]):  # left between the notice and the e-mail: nothing leaves
        return False
    claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(emailed_at=timezone.now())
    if not claimed:
        return False
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        subject = _("Amparo: new notification")
        body = f"{notification.label}\n\n{settings.SITE_URL.rstrip('/')}{notification.target_url}\n"
    try:
        send_mail(subject, body, None, [recipient.email])
    except Exception:
        Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
        raise
    return True
