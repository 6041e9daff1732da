from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from amparo.notifications import kinds
from amparo.notifications.models import Notification
from amparo.notifications.selectors import notifications_for, unread_count
from amparo.notifications.services import notification_mark_read, notifications_mark_all_read, notify
from amparo.notifications.tasks import send_notification_email
from tests.conftest import login

TARGET = f"/referrals/{uuid.UUID(int=7)}/"
SITE = "http://amparo.example"


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.SITE_URL = SITE


def _with_email(user: Any, email: str, language: str = "es") -> Any:
    user.email = email
    user.preferred_language = language
    user.save(update_fields=["email", "preferred_language"])
    return user


def _english(client: Client) -> Client:
    client.cookies["amparo_language"] = "en"
    return client


def test_notify_creates_one_row_per_active_recipient_and_emails_after_commit(
    world, django_capture_on_commit_callbacks
) -> None:
    caseworker = _with_email(world.user("caseworker"), "cw@example.org", "en")
    prosecutor = world.user("prosecutor")  # no e-mail address: notified, not e-mailed
    inactive = _with_email(world.user("caseworker", "other"), "gone@example.org")
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = notify(
            recipients=[caseworker, prosecutor, caseworker, inactive], kind=kinds.REFERRAL_RECEIVED, target_url=TARGET
        )
        assert mail.outbox == []  # nothing leaves before the commit

    assert {n.recipient_id for n in created} == {caseworker.pk, prosecutor.pk}
    assert Notification.objects.count() == 2
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["cw@example.org"]
    assert message.subject == "Amparo: new notification"
    # The body is the label and the link: nothing else (no names, no case data).
    assert message.body == f"A referral was sent to your institution\n\n{SITE}{TARGET}\n"
    assert Notification.objects.get(recipient=caseworker).emailed_at is not None
    assert Notification.objects.get(recipient=prosecutor).emailed_at is None


def test_email_is_in_the_recipients_language(world, django_capture_on_commit_callbacks) -> None:
    english = _with_email(world.user("caseworker"), "en@example.org", "en")
    spanish = _with_email(world.user("supervisor"), "es@example.org", "es")
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[english, spanish], kind=kinds.REFERRAL_ACCEPTED, target_url=TARGET)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["en@example.org"].body.startswith("A referral you sent was accepted\n")
    with_language = by_address["es@example.org"]
    # Whatever the Spanish wording, the message holds only the label and the link.
    from django.utils import translation

    with translation.override("es"):
        label = str(kinds.LABELS[kinds.REFERRAL_ACCEPTED])
        subject = translation.gettext("Amparo: new notification")
    assert with_language.body == f"{label}\n\n{SITE}{TARGET}\n"
    assert with_language.subject == subject


def test_rolled_back_change_notifies_nobody(world, django_capture_on_commit_callbacks) -> None:
    user = _with_email(world.user("caseworker"), "cw@example.org")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(recipients=[user], kind=kinds.REFERRAL_RECEIVED, target_url=TARGET)
        raise RuntimeError("the referral failed")
    assert callbacks == []
    assert mail.outbox == []
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "kind, target",
    [
        ("referral.received", "https://evil.example/"),
        ("referral.received", "//evil.example/"),
        ("referral.received", "/\\evil.example/"),
        ("referral.received", "referrals/1/"),
        ("referral.received", "/persons/?name=María López"),
        ("Valeria Jiménez was referred", TARGET),
        ("", TARGET),
    ],
)
def test_notify_refuses_free_text_and_foreign_links(world, kind: str, target: str) -> None:
    with pytest.raises(ValueError):
        notify(recipients=[world.user("caseworker")], kind=kind, target_url=target)
    assert not Notification.objects.exists()


def test_unknown_kind_shows_a_generic_label(world) -> None:
    (notification,) = notify(recipients=[world.user("caseworker")], kind="something.new", target_url=TARGET)
    assert notification.label == str(kinds.GENERIC_LABEL)


def test_task_is_idempotent(world) -> None:
    user = _with_email(world.user("caseworker"), "cw@example.org")
    (notification,) = notify(recipients=[user], kind=kinds.REFERRAL_OVERDUE, target_url=TARGET)
    assert mail.outbox == []  # the test transaction never commits: nothing was enqueued
    assert send_notification_email.call(notification_id=notification.pk) is True
    assert send_notification_email.call(notification_id=notification.pk) is False
    result = send_notification_email.enqueue(notification_id=notification.pk)  # immediate backend
    assert result.return_value is False
    assert len(mail.outbox) == 1
    assert send_notification_email.call(notification_id=999_999) is False


def test_task_releases_the_claim_when_sending_fails(world, monkeypatch) -> None:
    user = _with_email(world.user("caseworker"), "cw@example.org")
    (notification,) = notify(recipients=[user], kind=kinds.REFERRAL_OVERDUE, target_url=TARGET)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError("SMTP down")

    monkeypatch.setattr("amparo.notifications.tasks.send_mail", broken)
    with pytest.raises(OSError):
        send_notification_email.call(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.emailed_at is None
    monkeypatch.undo()
    assert send_notification_email.call(notification_id=notification.pk) is True


def test_selectors_and_services_are_scoped_to_the_user(world) -> None:
    mine = notify(recipients=[world.user("caseworker")], kind=kinds.REFERRAL_RECEIVED, target_url=TARGET)[0]
    other = notify(recipients=[world.user("caseworker", "other")], kind=kinds.REFERRAL_RECEIVED, target_url=TARGET)[0]
    actor = world.actor("caseworker")
    assert unread_count(user=actor.user) == 1
    assert [n.pk for n in notifications_for(user=actor.user)] == [mine.pk]
    from amparo.core.exceptions import NotFound

    with pytest.raises(NotFound):
        notification_mark_read(actor=actor, notification_id=other.pk)
    assert notification_mark_read(actor=actor, notification_id=mine.pk).read_at is not None
    assert notifications_mark_all_read(actor=actor) == 0
    other.refresh_from_db()
    assert other.read_at is None


def test_bell_shows_the_unread_count(world) -> None:
    user = world.user("caseworker")
    notify(recipients=[user], kind=kinds.REFERRAL_RECEIVED, target_url=TARGET)
    notify(recipients=[user], kind=kinds.REFERRAL_DECLINED, target_url=TARGET)
    client = _english(login(Client(), user))
    html = client.get("/").content.decode()
    assert 'aria-label="2 unread notifications"' in html
    assert '<span class="bell-count" aria-hidden="true">2</span>' in html
    assert 'href="/notifications/"' in html


def test_bell_is_hidden_for_anonymous_and_before_the_second_factor(world) -> None:
    assert 'class="bell' not in Client().get("/accounts/login/", follow=True).content.decode()
    unverified = Client()
    unverified.force_login(world.user("caseworker"))  # second factor not passed
    html = unverified.get("/accounts/two-factor/verify/").content.decode()
    assert 'class="bell' not in html


def test_list_shows_only_own_notifications_newest_first(world) -> None:
    user = world.user("caseworker")
    older = notify(recipients=[user], kind=kinds.REFERRAL_RECEIVED, target_url=TARGET)[0]
    Notification.objects.filter(pk=older.pk).update(created_at=timezone.now() - datetime.timedelta(days=1))
    newer = notify(recipients=[user], kind=kinds.REFERRAL_COMPLETED, target_url=TARGET)[0]
    notification_mark_read(actor=world.actor("caseworker"), notification_id=older.pk)
    foreign = notify(recipients=[world.user("caseworker", "other")], kind=kinds.REFERRAL_ENDED, target_url=TARGET)[0]

    response = _english(login(Client(), user)).get("/notifications/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"/notifications/{foreign.pk}/open/" not in html
    assert html.index(f"/notifications/{newer.pk}/open/") < html.index(f"/notifications/{older.pk}/open/")
    assert html.count('class="unread"') == 1
    assert "A referral was completed" in html


def test_open_marks_read_and_redirects_to_the_target(world) -> None:
    user = world.user("caseworker")
    notification = notify(recipients=[user], kind=kinds.REFERRAL_RECEIVED, target_url=TARGET)[0]
    response = login(Client(), user).get(f"/notifications/{notification.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == TARGET
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_open_of_another_users_notification_is_404(world) -> None:
    notification = notify(recipients=[world.user("caseworker")], kind=kinds.REFERRAL_RECEIVED, target_url=TARGET)[0]
    for role, where in [("supervisor", "home"), ("caseworker", "other"), ("administrator", "home")]:
        response = login(Client(), world.user(role, where)).get(f"/notifications/{notification.pk}/open/")
        assert response.status_code == 404, (role, where)
    assert login(Client(), world.user("caseworker")).get("/notifications/999999/open/").status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_anonymous_is_sent_to_sign_in(world) -> None:
    notification = notify(recipients=[world.user("caseworker")], kind=kinds.REFERRAL_RECEIVED, target_url=TARGET)[0]
    for method, url in [
        ("get", "/notifications/"),
        ("get", f"/notifications/{notification.pk}/open/"),
        ("post", "/notifications/read-all/"),
    ]:
        response = getattr(Client(), method)(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    notification.refresh_from_db()
    assert notification.read_at is None


@pytest.mark.parametrize(
    "target",
    ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "/\t/evil.example"],
)
def test_open_never_redirects_off_site(world, target: str) -> None:
    user = world.user("caseworker")
    # notify() refuses such targets; a row written some other way must still not redirect off-site.
    notification = Notification.objects.create(recipient=user, kind=kinds.REFERRAL_RECEIVED, target_url=target)
    response = login(Client(), user).get(f"/notifications/{notification.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == "/notifications/"


def test_mark_all_read(world) -> None:
    user = world.user("caseworker")
    for kind in (kinds.REFERRAL_RECEIVED, kinds.REFERRAL_OVERDUE):
        notify(recipients=[user], kind=kind, target_url=TARGET)
    foreign = notify(recipients=[world.user("supervisor")], kind=kinds.REFERRAL_ENDED, target_url=TARGET)[0]
    client = login(Client(), user)
    assert client.get("/notifications/read-all/").status_code == 405
    response = client.post("/notifications/read-all/")
    assert response.status_code == 302 and response["Location"] == "/notifications/"
    assert unread_count(user=user) == 0
    foreign.refresh_from_db()
    assert foreign.read_at is None
    html = _english(client).get("/").content.decode()
    assert 'aria-label="0 unread notifications"' in html


@pytest.mark.django_db(transaction=True)
def test_database_queue_and_worker_send_the_email(world, settings) -> None:
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    user = _with_email(world.user("caseworker"), "cw@example.org", "en")
    (notification,) = notify(recipients=[user], kind=kinds.REFERRAL_RECEIVED, target_url=TARGET)

    # Committed (autocommit): the e-mail waits in the queue for the worker.
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "amparo.notifications.tasks.send_notification_email"
    assert queued.args_kwargs == {"args": [], "kwargs": {"notification_id": notification.pk}}
    assert mail.outbox == []

    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)

    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].body == f"A referral was sent to your institution\n\n{SITE}{TARGET}\n"
    notification.refresh_from_db()
    assert notification.emailed_at is not None
