"""The statistician opens the dashboard, filters it, sees only suppressed small counts, and downloads the
annual report after giving the password again; screenshots of the dashboard, the report and the plan."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from tests.factories import PASSWORD
from tests.stats.helpers import many

from ..conftest import World
from .conftest import screenshot, sign_in_by_cookie

pytestmark = pytest.mark.browser

D = datetime.date


def test_dashboard_filter_and_annual_report_download(page: Any, world: World, live_server: Any) -> None:
    many(world, 14, opened=D(2011, 5, 1))
    many(
        world,
        12,
        opened=D(2011, 6, 1),
        gender="Masculine",
        age_group="30-38",
        nationality="HN",
        forms=("ForcedLabour",),
        department="05",
    )
    many(world, 3, opened=D(2011, 7, 1), where="other", nationality="SV", department="09")
    statistician = world.user("statistician")
    sign_in_by_cookie(page, statistician, live_server.url)
    page.goto("/stats/")
    page.fill("#id_start", "2011-04-01")
    page.fill("#id_end", "2012-03-31")
    page.click("#filters button[type=submit]")
    page.wait_for_url("**/stats/?start=2011-04-01*")
    assert page.inner_text("#victims-total") == "29"
    assert page.locator("svg.chart").count() >= 5
    screenshot(page, "stats-dashboard")
    # filter by the other institution: 3 victims, shown as suppressed
    page.select_option("#id_institution", str(world.other.pk))
    page.click("#filters button[type=submit]")
    page.wait_for_load_state()
    assert page.inner_text("#victims-total") == "<11"
    # the annual report of that period, downloaded after re-authentication
    page.goto("/stats/report/?start=2011-04-01&end=2012-03-31")
    screenshot(page, "stats-report")
    page.click("#exports a:first-child")
    page.wait_for_url("**/accounts/reauth/**")
    page.fill("#id_password", PASSWORD)
    with page.expect_download() as download_info:
        page.click("main button[type=submit]")
    download = download_info.value
    assert download.suggested_filename.endswith("-es.pdf")
    with open(download.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"
    page.goto("/capacity/plan/")
    screenshot(page, "capacity-plan")
