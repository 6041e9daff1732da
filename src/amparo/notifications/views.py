from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from amparo.core.views import actor_from, requires

from . import selectors, services
from .kinds import is_safe_target


@requires()
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = selectors.notifications_for(user=request.user)
    return render(request, "notifications/list.html", {"notifications": notifications})


@requires()
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = services.notification_mark_read(actor=actor_from(request), notification_id=notification_id)
    target = notification.target_url
    return HttpResponseRedirect(target if is_safe_target(target) else reverse("notifications:list"))


@requires()
@require_POST
def notifications_mark_all_read(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(actor=actor_from(request))
    messages.success(request, _("All notifications were marked as read."))
    return redirect("notifications:list")
