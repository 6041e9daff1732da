from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _english(english: None) -> None:
    """This app's tests assert the English msgids (see tests/conftest.py `english`)."""


@pytest.fixture(autouse=True)
def _fact_table(db: None) -> None:
    """Figures come from the statistics table, built (empty) before each test and kept current as the
    fixtures add records; tests/stats/test_facts.py checks it against the direct path."""
    from amparo.stats import facts

    facts.rebuild()
