from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted in English (the msgids): Spanish, the default, comes from the catalogue."""
    with translation.override("en"):
        yield
