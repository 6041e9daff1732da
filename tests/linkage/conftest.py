from __future__ import annotations

import pytest

from amparo.linkage.synthetic import generate, save_as_persons


@pytest.fixture
def labelled(world):
    """300 labelled synthetic records stored as persons of the two test institutions."""
    items = list(generate(300, seed=11, orgs=2))
    mapping = save_as_persons(items, [world.home.pk, world.other.pk])
    return items, mapping


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """This app's tests assert the English msgids (see tests/conftest.py `english`)."""
