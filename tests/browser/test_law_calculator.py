"""Browser: a prosecutor trains on the calculator (the IOM seed's judges' trainings): art. 194 committed in
2008 against a 15-year-old who suffered physical harm, judged in 2010 under art. 202 Ter."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from ..conftest import World
from .conftest import MOBILE, screenshot, sign_in, sign_in_by_cookie

pytestmark = pytest.mark.browser


def _es(msgid: str) -> str:
    with translation.override("es"):
        return str(translation.gettext(msgid))


def test_prosecutor_runs_the_calculator_and_reads_the_steps(
    page: Any, new_page: Any, world: World, live_server: Any
) -> None:
    sign_in(page, world.user("prosecutor"))
    page.click(f"nav >> text={_es('Law')}")
    page.wait_for_url("**/law/")
    assert page.locator("h1").inner_text().strip() == _es("Legal catalog")
    screenshot(page, "law-catalog")
    page.click(f"main >> text={_es('Penalty calculator')}")
    page.wait_for_url("**/law/calculator/")
    page.fill("#id_offence_date", "2008-06-01")
    page.fill("#id_judgment_date", "2010-05-01")
    page.fill("#id_victim_age", "15")
    page.check("input[name=articles][value='penal-code:194']")
    page.check("input[name=circumstances][value=physical_harm]")
    page.click(f"main button >> text={_es('Calculate')}")
    page.wait_for_selector(".outcome")
    outcomes = page.locator(".outcome")
    assert outcomes.count() == 2  # art. 194 at the offence date, art. 202 Ter at the judgment date
    first = outcomes.nth(0).inner_text()
    assert "4380" in first and "8760" in first  # 12 to 24 years (6-12 + 2-4 + 4-8)
    assert "08GUATEMALA327" in first  # every step names its source
    second = outcomes.nth(1).inner_text()
    assert "Q300 000,00" in second.replace("\xa0", " ")  # the fine of 202 Ter, grouped
    screenshot(page, "law-calculator")

    mobile = new_page(viewport=MOBILE)
    sign_in_by_cookie(mobile, world.user("caseworker"), live_server.url)
    mobile.goto(
        "/law/calculator/?offence_date=2010-05-01&articles=penal-code%3A202+Ter&circumstances=violence&circumstances=weapons_or_drugs"
    )
    mobile.wait_for_selector(".outcome")
    assert "4866" in mobile.locator(".outcome").inner_text()  # 8-18 years + 2 x (2 2/3 - 6) = 13 1/3 - 30
    screenshot(mobile, "law-calculator-mobile")
