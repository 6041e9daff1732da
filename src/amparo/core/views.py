"""Helpers shared by HTML views: authentication, the permission table, and service errors."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from amparo.accounts.actor import Actor

from .exceptions import NotFound, PermissionDenied

View = Callable[..., HttpResponse]


def requires(perm: str | None = None) -> Callable[[View], View]:
    """Signed in, and (if given) the active role has ``perm``; service NotFound/PermissionDenied map
    to 404/403. Object-level checks stay in selectors and services."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if perm is not None and not actor_from(request).has(perm):  # type: ignore[attr-defined]
                raise DjangoPermissionDenied()
            try:
                return view(request, *args, **kwargs)
            except NotFound as exc:
                raise Http404() from exc
            except PermissionDenied as exc:
                raise DjangoPermissionDenied() from exc

        return login_required(wrapper)

    return decorator


def add_service_errors(form: Any, errors: dict[str, list[str]]) -> None:
    """Attach a service's field errors to a Django form (fields it does not have go to the top)."""
    for name, messages in errors.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


def actor_from(request: HttpRequest) -> Actor:
    """The actor the middleware (or the API token) attached to the request."""
    actor: Actor = getattr(request, "actor")  # noqa: B009
    return actor
