from __future__ import annotations

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_catalog_screen_lists_versions_ranges_increases_sources_and_flags(client_for) -> None:
    response = client_for("statistician")  # no case work: still browses the catalog
    page = response.get("/law/").content.decode()
    assert "202 Ter" in page and "Decreto 9-2009" in page
    assert "08GUATEMALA327" in page  # sources
    assert "8 years – 18 years" in page or "8 años – 18 años" in page  # ranges in years
    assert "Q300\xa0000,00 – Q500\xa0000,00" in page  # the fine, grouped (Spanish, the default language)
    assert "unverified" in page or "no verificad" in page  # flags
    assert "/law/calculator/" not in page  # no calculator link without the permission


def test_calculator_screen_renders_the_steps(client_for) -> None:
    client = client_for("prosecutor")
    response = client.get(
        "/law/calculator/",
        {
            "offence_date": "2008-06-01",
            "judgment_date": "2010-05-01",
            "articles": "penal-code:194",
            "victim_age": "15",
            "circumstances": ["physical_harm"],
            "combination": "additive",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "cp-194-2005-vulnerable" not in page  # codes stay internal; labels are shown
    assert "Art. 194: victim a minor, disabled or elderly" in page
    assert "Art. 194: victim suffers physical harm" in page
    assert "12 years – 24 years" in page  # additive: 6-12 + 2-4 + 4-8
    assert "4380 to 8760 days" in page
    assert "Each fraction of the base range, added" in page


def test_calculator_screen_shows_errors_in_the_form(client_for) -> None:
    client = client_for("prosecutor")
    response = client.get(
        "/law/calculator/",
        {"offence_date": "2008-06-01", "judgment_date": "2007-01-01", "articles": "penal-code:194"},
    )
    assert response.status_code == 200
    assert response.context["calculation"] is None
    assert response.context["form"].errors["judgment_date"]


def test_calculator_refused_without_permission(client_for) -> None:
    assert client_for("auditor").get("/law/calculator/").status_code == 403


def test_api_calculate(client_for) -> None:
    client = client_for("investigator")
    response = client.post(
        "/api/v1/law/calculate/",
        {
            "offence_date": "2008-06-01",
            "judgment_date": "2010-05-01",
            "articles": ["penal-code:194"],
            "victim_age": 15,
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    (result,) = response.json()["results"]
    assert result["law_changed"]
    old, new = result["outcomes"]
    assert old["version"] == "cp-194-2005" and old["more_favourable"]
    assert (old["prison"]["min_days"], old["prison"]["max_days"]) == (2920, 5840)
    assert old["steps"][0]["rule"] == "cp-194-2005-vulnerable" and old["steps"][0]["fraction"] == "1/3"
    assert new["version"] == "cp-202ter-2009" and new["fine"] == {"min": "300000.00", "max": "500000.00"}
    assert {f["code"] for f in new["flags"]} >= {"dates_unverified"}


def test_api_calculate_bad_input(client_for) -> None:
    client = client_for("prosecutor")
    response = client.post(
        "/api/v1/law/calculate/",
        {"offence_date": "2010-06-01", "articles": ["penal-code:194"]},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "validation_error" and "202 Ter" in body["fields"]["articles"][0]
    unknown = client.post(
        "/api/v1/law/calculate/",
        {"offence_date": "2008-06-01", "articles": ["penal-code:194"], "circumstances": ["bribery"]},
        content_type="application/json",
    )
    assert unknown.status_code == 400


def test_api_catalog(client_for) -> None:
    response = client_for("statistician").get("/api/v1/law/catalog/")
    assert response.status_code == 200
    laws = {law["code"]: law for law in response.json()["laws"]}
    articles = {a["number"]: a for a in laws["penal-code"]["articles"]}
    (v194,) = articles["194"]["versions"]
    assert v194["effective_to"] == "2009-04-01" and v194["effective_to_precision"] == "month"
    assert v194["successor"] == "penal-code:202 Ter" and v194["dates_verified"] is False
    assert v194["bands"][0]["prison_min_days"] == 2190
    rules_204 = articles["204"]["versions"][0]["rules"]
    assert len(rules_204) == 7 and "202 Ter" in rules_204[0]["applies_to"]
    assert {p["code"] for p in response.json()["provisions"]} >= {"prison-cap", "favourable-law"}


def test_schema_documents_the_law_endpoints(tmp_path) -> None:
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/law/calculate/" in text and "/api/v1/law/catalog/" in text


def test_rules_of_application_name_their_law_in_the_users_language(client_for) -> None:
    """The provisions' references ("Penal Code art. 44") were shown in English on the Spanish screens."""
    client = client_for("prosecutor")
    spanish = client.get("/law/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Código Penal, art. 44" in spanish and "Penal Code art. 44" not in spanish
    assert "Constitución, art. 15" in spanish
    query = {"offence_date": "2010-06-01", "articles": "penal-code:202 Ter"}
    calculator = client.get("/law/calculator/", query, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Código Penal, art. 44:" in calculator and "Penal Code art. 44" not in calculator
    english = client.get("/law/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Penal Code art. 44" in english
    provisions = {p["code"]: p for p in client.get("/api/v1/law/catalog/").json()["provisions"]}
    assert provisions["prison-cap"]["reference_en"] == "Penal Code art. 44"
    assert provisions["prison-cap"]["reference_es"] == "Código Penal, art. 44"


def test_amounts_of_money_are_grouped_in_spanish_and_english(client_for) -> None:
    """Fines read "Q300000,00" before: amounts are localized with thousands grouped, in both languages."""
    client = client_for("prosecutor")
    query = {"offence_date": "2010-06-01", "articles": "penal-code:202 Ter"}
    spanish = client.get("/law/calculator/", query, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    english = client.get("/law/calculator/", query, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Q300\xa0000,00 – Q500\xa0000,00" in spanish and "300000" not in spanish
    assert "Q300,000.00 – Q500,000.00" in english and "300000" not in english
    assert "Q300,000.00 – Q500,000.00" in client.get("/law/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_sentence_check_names_the_fines_grouped() -> None:
    from decimal import Decimal

    from django.utils import translation

    from amparo.law.calculator import check_sentence
    from amparo.law.circumstances import Circumstances
    from amparo.law.selectors import article_by_ref

    version = article_by_ref("penal-code:202 Ter").versions.order_by("effective_from").first()
    check = check_sentence(version=version, circumstances=Circumstances(), fine=Decimal("1250000"))
    assert "The fine (Q1,250,000.00) is outside the range Q300,000.00 to Q500,000.00." in check.problems
    with translation.override("es"):
        check = check_sentence(version=version, circumstances=Circumstances(), fine=Decimal("1250000"))
    assert any("1\xa0250\xa0000,00" in p and "Q300\xa0000,00" in p for p in check.problems)
