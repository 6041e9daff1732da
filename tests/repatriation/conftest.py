from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from tests.conftest import login


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted in English (the msgids): Spanish, the default, comes from the catalogue."""
    with translation.override("en"):
        yield


@pytest.fixture
def client_for(world: Any) -> Any:
    """Signed-in clients that ask for English pages (the msgids the tests look for)."""

    def make(role: str, where: str = "home") -> Client:
        return login(Client(HTTP_ACCEPT_LANGUAGE="en"), world.user(role, where))

    return make
