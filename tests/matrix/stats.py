"""Statistics: disclosure-controlled screens for stats.view; the records behind a figure only for roles
with stats.records (supervisors), listing only cases of their own institution they may open (the
cross-institution case is in tests/stats/test_dashboard.py: counted, never listed)."""

from __future__ import annotations

from amparo.accounts.roles import Perm
from tests.matrix import Case, by_perm

CASES = [
    Case("stats:dashboard", "get", lambda o: "/stats/", by_perm(Perm.STATS_VIEW)),
    Case("stats:chart_csv", "get", lambda o: "/stats/charts/victims_year.csv", by_perm(Perm.STATS_VIEW)),
    Case("stats:records", "get", lambda o: "/stats/records/victims_year/?code=2026", by_perm(Perm.STATS_RECORDS)),
]
