from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """This app's tests assert the English msgids (see tests/conftest.py `english`)."""
