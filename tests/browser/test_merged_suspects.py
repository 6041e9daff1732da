"""The investigation page in a browser (Spanish) after two suspect records were merged: one entry for the
person, the merged record under it with its own role, and the note saying so."""

from __future__ import annotations

from typing import Any

import pytest

from amparo.accounts.roles import Role
from amparo.justice import services
from amparo.linkage.models import PersonMerge

from ..conftest import World, make_person
from ..justice.conftest import open_investigation
from .conftest import screenshot, sign_in_by_cookie

pytestmark = pytest.mark.browser


def test_merged_suspect_records_show_as_one_person(new_page: Any, world: World, live_server: Any) -> None:
    investigation = open_investigation(world)
    investigator = world.actor(Role.INVESTIGATOR)
    erick = make_person(investigator, "Erick Estuardo", "Pérez Mazariegos", documents=[])
    alias = make_person(investigator, "Erik", "Peres", documents=[])
    other = make_person(investigator, "Rosa", "Batz Coj", documents=[])
    for person, role in ((erick, "Recruiter"), (other, "Transporter"), (alias, "Exploiter")):
        services.suspect_add(investigator, investigation_id=investigation.pk, person_id=person.pk, role_in_process=role)
    PersonMerge.objects.create(survivor=erick, absorbed=alias)

    page = new_page()
    sign_in_by_cookie(page, world.user(Role.INVESTIGATOR), live_server.url)
    page.goto(f"/justice/{investigation.pk}/")
    screenshot(page, "justice-investigation-summary")
    page.get_by_role("link", name="Sospechosos y testigos").click()
    screenshot(page, "justice-merged-suspects")
    rows = page.locator("table", has=page.locator("tr.merged-record")).locator("tbody tr")
    names = [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())]
    # the survivor, then its merged record (marked), then the other suspect
    assert names[0].startswith("Erick Estuardo Pérez Mazariegos")
    assert "Además, 1 registro más fusionado con esta persona." in names[0]
    assert names[1].lstrip("↳ ").startswith("Erik Peres")
    assert names[2].startswith("Rosa Batz Coj")
    assert page.locator("tr.merged-record").count() == 1
