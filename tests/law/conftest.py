from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The assertions read English texts (Spanish is the default language: the catalogue translates them)."""
    with translation.override("en"):
        yield
