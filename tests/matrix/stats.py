"""Statistics: disclosure-controlled screens for stats.view; the records behind a figure only for roles
with stats.records (supervisors), listing only cases of their own institution they may open (the
cross-institution case is in tests/stats/test_dashboard.py: counted, never listed)."""

from __future__ import annotations

from amparo.accounts.roles import Perm, role_has
from tests.matrix import Case, by_perm

CASES = [
    Case("stats:dashboard", "get", lambda o: "/stats/", by_perm(Perm.STATS_VIEW)),
    Case("stats:chart_csv", "get", lambda o: "/stats/charts/victims_year.csv", by_perm(Perm.STATS_VIEW)),
    Case("stats:records", "get", lambda o: "/stats/records/victims_year/?code=2026", by_perm(Perm.STATS_RECORDS)),
]

CASES += [
    Case("stats:report", "get", lambda o: "/stats/report/", by_perm(Perm.STATS_VIEW)),
    # Re-authentication comes first for everyone with the permission (tests/stats covers the export itself).
    Case("stats:report_export", "get", lambda o: "/stats/report/export.pdf", by_perm(Perm.STATS_VIEW, 302)),
    # The narrative is the actor's own institution's: no object of another institution is reachable.
    Case("stats:narrative", "get", lambda o: "/stats/report/narratives/overview/", by_perm(Perm.PLAN_REPORT)),
    Case("stats:exports", "get", lambda o: "/stats/exports/", by_perm(Perm.STATS_VIEW)),
    Case("stats:export", "get", lambda o: "/stats/exports/ctdc.csv", by_perm(Perm.STATS_VIEW, 302)),
    Case("stats:htcds_export", "get", lambda o: "/stats/exports/htcds/", by_perm(Perm.STATS_EXPORT_IDENTIFIED, 302)),
    Case(
        "stats:htcds_import",
        "get",
        lambda o: "/stats/exports/htcds/import/",
        lambda role, where: (
            200 if role_has(role, Perm.STATS_EXPORT_IDENTIFIED) and role_has(role, Perm.CASE_CREATE) else 403
        ),
    ),
]

# The read-only API: the same disclosure-controlled charts (national aggregates: nothing per institution to deny).
CASES += [
    Case("api:stats_charts", "get", lambda o: "/api/v1/stats/charts/", by_perm(Perm.STATS_VIEW)),
    Case(
        "api:stats_chart",
        "get",
        lambda o: "/api/v1/stats/charts/victims_sex_age/?start=2025-04-01&end=2026-03-31",
        by_perm(Perm.STATS_VIEW),
    ),
]
