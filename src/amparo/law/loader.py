"""Reading, checking and loading the catalog file into the database.

`read_catalog(path)` parses and validates the file (it refuses unknown circumstance codes, bad dates or
terms, dangling references) and returns plain dictionaries; `sync_catalog(data, models)` makes the
database match them and returns what changed. `sync_catalog` only uses model fields, so the data
migration can call it with historical models; `services.catalog_load` wraps it with the audit event.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .circumstances import ALL_CODES, GIVEN

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "guatemala.toml"
DAYS_PER_YEAR = 365
DAYS_PER_MONTH = 30
_TERM = re.compile(r"^(?:(\d+)y)?(?:(\d+)m)?(?:(\d+)d)?$")
_FRACTION = re.compile(r"^(\d+)/(\d+)$")
_ENTITIES = ("laws", "provisions", "articles", "versions", "bands", "rules")


class CatalogError(Exception):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass
class Changes:
    created: dict[str, list[str]] = field(default_factory=lambda: {e: [] for e in _ENTITIES})
    updated: dict[str, list[str]] = field(default_factory=lambda: {e: [] for e in _ENTITIES})
    deleted: dict[str, list[str]] = field(default_factory=lambda: {e: [] for e in _ENTITIES})

    @property
    def changed(self) -> bool:
        return any(any(group.values()) for group in (self.created, self.updated, self.deleted))

    def counts(self) -> dict[str, int]:
        return {
            f"{verb}_{entity}": len(getattr(self, verb)[entity])
            for verb in ("created", "updated", "deleted")
            for entity in _ENTITIES
        }

    def lines(self) -> list[str]:
        out = []
        for verb in ("created", "updated", "deleted"):
            for entity, keys in getattr(self, verb).items():
                if keys:
                    out.append(f"{verb} {entity}: {', '.join(keys)}")
        return out


def parse_date(value: str) -> tuple[datetime.date, str]:
    """'2009-04-21' -> (date, 'day'); '2009-04' -> (1 April 2009, 'month'); '1998' -> (1 January 1998, 'year')."""
    parts = str(value).split("-")
    if len(parts) == 1:
        return datetime.date(int(parts[0]), 1, 1), "year"
    if len(parts) == 2:
        return datetime.date(int(parts[0]), int(parts[1]), 1), "month"
    return datetime.date.fromisoformat(str(value)), "day"


def parse_term(value: str) -> int:
    """'6y' -> 2190 days; '6m' -> 180; '1y6m' -> 545 (a year counts 365 days, a month 30)."""
    match = _TERM.match(str(value).strip())
    if not match or not any(match.groups()):
        raise ValueError(f"bad prison term {value!r} (use e.g. 6y, 6m, 1y6m, 10d)")
    years, months, days = (int(g or 0) for g in match.groups())
    return years * DAYS_PER_YEAR + months * DAYS_PER_MONTH + days


def parse_fraction(value: str) -> tuple[int, int]:
    match = _FRACTION.match(str(value).strip())
    if not match or int(match.group(2)) == 0:
        raise ValueError(f"bad fraction {value!r} (use e.g. 1/3, 2/3, 1/1)")
    return int(match.group(1)), int(match.group(2))


def file_digest(path: Path = DEFAULT_PATH) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_catalog(path: Path = DEFAULT_PATH) -> dict[str, Any]:
    """Parse and check the file; return rows ready for `sync_catalog`. Raises CatalogError."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CatalogError([f"cannot read {path}: {exc}"]) from exc
    problems: list[str] = []
    out: dict[str, Any] = {e: [] for e in _ENTITIES}
    out["meta"] = dict(raw.get("catalog", {}))

    def need(entry: dict[str, Any], key: str, where: str) -> Any:
        if entry.get(key) in (None, ""):
            problems.append(f"{where}: '{key}' is required")
        return entry.get(key)

    law_codes: list[str] = []
    for position, law in enumerate(raw.get("laws", [])):
        where = f"law {law.get('code', position)}"
        row = {
            "code": need(law, "code", where),
            "name_en": need(law, "name_en", where),
            "name_es": need(law, "name_es", where),
            "instrument": law.get("instrument", ""),
            "source": law.get("source", ""),
            "notes_en": law.get("notes_en", ""),
            "notes_es": law.get("notes_es", ""),
            "position": position,
        }
        law_codes.append(row["code"])
        out["laws"].append(row)
    for position, provision in enumerate(raw.get("provisions", [])):
        where = f"provision {provision.get('code', position)}"
        cap = provision.get("max_prison")
        try:
            cap_days = parse_term(cap) if cap else None
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            cap_days = None
        out["provisions"].append(
            {
                "code": need(provision, "code", where),
                "reference_en": need(provision, "reference_en", where),
                "reference_es": need(provision, "reference_es", where),
                "summary_en": need(provision, "summary_en", where),
                "summary_es": need(provision, "summary_es", where),
                "max_prison_days": cap_days,
                "source": provision.get("source", ""),
                "verified": bool(provision.get("verified", False)),
                "position": position,
            }
        )

    article_keys: set[tuple[str, str]] = set()
    version_codes: set[str] = set()
    rule_codes: set[str] = set()
    for a_position, article in enumerate(raw.get("articles", [])):
        law, number = article.get("law"), article.get("number")
        where = f"article {law}:{number}"
        if law not in law_codes:
            problems.append(f"{where}: unknown law {law!r}")
        if (law, number) in article_keys:
            problems.append(f"{where}: defined twice")
        article_keys.add((law, number))
        out["articles"].append(
            {
                "law": law,
                "number": need(article, "number", where),
                "title_en": need(article, "title_en", where),
                "title_es": need(article, "title_es", where),
                "position": a_position,
            }
        )
        for version in article.get("versions", []):
            _read_version(version, law, number, law_codes, version_codes, rule_codes, out, problems)
    # Successors name articles of the same law that must exist.
    for version in out["versions"]:
        if version["successor"] and (version["law"], version["successor"]) not in article_keys:
            problems.append(f"version {version['code']}: successor {version['successor']!r} is not in the catalog")
    _check_overlaps(out["versions"], problems)
    if problems:
        raise CatalogError(problems)
    return out


def _read_version(
    version: dict[str, Any],
    law: str,
    number: str,
    law_codes: list[str],
    version_codes: set[str],
    rule_codes: set[str],
    out: dict[str, Any],
    problems: list[str],
) -> None:
    code = version.get("code") or f"{law}:{number}?"
    where = f"version {code}"
    if code in version_codes:
        problems.append(f"{where}: code used twice")
    version_codes.add(code)
    try:
        start, start_precision = parse_date(version["effective_from"])
        end, end_precision = parse_date(version["effective_to"]) if version.get("effective_to") else (None, "day")
        confirmed = datetime.date.fromisoformat(version["confirmed_on"]) if version.get("confirmed_on") else None
    except (KeyError, ValueError) as exc:
        problems.append(f"{where}: bad or missing date ({exc})")
        return
    if end is not None and end <= start:
        problems.append(f"{where}: effective_to must come after effective_from")
    amended_by = version.get("amended_by") or None
    if amended_by and amended_by not in law_codes:
        problems.append(f"{where}: unknown law {amended_by!r} in amended_by")
    for key in ("summary_en", "summary_es", "source"):
        if not version.get(key):
            problems.append(f"{where}: '{key}' is required")
    out["versions"].append(
        {
            "code": code,
            "law": law,
            "number": number,
            "effective_from": start,
            "effective_from_precision": start_precision,
            "effective_to": end,
            "effective_to_precision": end_precision,
            "dates_verified": bool(version.get("dates_verified", False)),
            "confirmed_on": confirmed,
            "amended_by": amended_by,
            "successor": version.get("successor") or None,
            "summary_en": version.get("summary_en", ""),
            "summary_es": version.get("summary_es", ""),
            "notes_en": version.get("notes_en", ""),
            "notes_es": version.get("notes_es", ""),
            "source": version.get("source", ""),
            "verified": bool(version.get("verified", False)),
        }
    )
    for position, band in enumerate(version.get("bands", [])):
        _read_band(band, code, position, out, problems)
    for position, rule in enumerate(version.get("rules", [])):
        _read_rule(rule, code, number, position, rule_codes, out, problems)


def _read_band(band: dict[str, Any], version: str, position: int, out: dict[str, Any], problems: list[str]) -> None:
    where = f"band {version}/{band.get('code', position)}"
    row: dict[str, Any] = {
        "version": version,
        "code": band.get("code") or f"band-{position}",
        "label_en": band.get("label_en", ""),
        "label_es": band.get("label_es", ""),
        "prison_min_days": None,
        "prison_max_days": None,
        "fine_min": None,
        "fine_max": None,
        "victim_age_min": None,
        "victim_age_max": None,
        "when_all": list(band.get("when_all", [])),
        "position": position,
    }
    try:
        if "prison" in band:
            low, high = band["prison"]
            row["prison_min_days"], row["prison_max_days"] = parse_term(low), parse_term(high)
        if "fine" in band:
            low, high = band["fine"]
            row["fine_min"], row["fine_max"] = Decimal(str(low)), Decimal(str(high))
        if "victim_age" in band:
            row["victim_age_min"], row["victim_age_max"] = (int(x) for x in band["victim_age"])
    except (TypeError, ValueError) as exc:
        problems.append(f"{where}: {exc}")
        return
    if row["prison_min_days"] is None and row["fine_min"] is None:
        problems.append(f"{where}: a band needs a prison term or a fine")
    for low, high in (("prison_min_days", "prison_max_days"), ("fine_min", "fine_max")):
        if row[low] is not None and row[low] > row[high]:
            problems.append(f"{where}: minimum above maximum")
    for code in row["when_all"]:
        if code not in GIVEN:
            problems.append(f"{where}: unknown circumstance {code!r}")
    out["bands"].append(row)


def _read_rule(
    rule: dict[str, Any],
    version: str,
    number: str,
    position: int,
    rule_codes: set[str],
    out: dict[str, Any],
    problems: list[str],
) -> None:
    code = rule.get("code") or f"{version}-rule-{position}"
    where = f"rule {code}"
    if code in rule_codes:
        problems.append(f"{where}: code used twice")
    rule_codes.add(code)
    kind = rule.get("kind", "increase")
    if kind not in ("increase", "corresponding_crime", "note"):
        problems.append(f"{where}: unknown kind {kind!r}")
    num = den = None
    if kind == "increase":
        try:
            num, den = parse_fraction(rule.get("fraction", ""))
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
    penalty = rule.get("penalty", "both")
    if penalty not in ("prison", "fine", "both"):
        problems.append(f"{where}: unknown penalty {penalty!r}")
    when_any = list(rule.get("when_any", []))
    if not when_any:
        problems.append(f"{where}: 'when_any' needs at least one circumstance")
    for circumstance in when_any:
        if circumstance not in ALL_CODES:
            problems.append(f"{where}: unknown circumstance {circumstance!r}")
    for key in ("label_en", "label_es", "source"):
        if not rule.get(key):
            problems.append(f"{where}: '{key}' is required")
    out["rules"].append(
        {
            "code": code,
            "version": version,
            "kind": kind,
            "fraction_num": num,
            "fraction_den": den,
            "penalty": penalty,
            "applies_to": list(rule.get("applies_to", [number])),
            "when_any": when_any,
            "group": rule.get("group", ""),
            "label_en": rule.get("label_en", ""),
            "label_es": rule.get("label_es", ""),
            "notes_en": rule.get("notes_en", ""),
            "notes_es": rule.get("notes_es", ""),
            "source": rule.get("source", ""),
            "verified": bool(rule.get("verified", False)),
            "position": position,
        }
    )


def _check_overlaps(versions: list[dict[str, Any]], problems: list[str]) -> None:
    by_article: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for version in versions:
        by_article.setdefault((version["law"], version["number"]), []).append(version)
    for (law, number), items in by_article.items():
        items.sort(key=lambda v: v["effective_from"])
        for earlier, later in itertools.pairwise(items):
            if earlier["effective_to"] is None or earlier["effective_to"] > later["effective_from"]:
                problems.append(f"article {law}:{number}: versions {earlier['code']} and {later['code']} overlap")


def _sync(
    model: Any, rows: list[dict[str, Any]], key: Any, name: str, changes: Changes, existing: dict[Any, Any]
) -> dict[Any, Any]:
    """Create or update `rows` (values already resolved to model fields); return key -> instance."""
    kept: dict[Any, Any] = {}
    # A migration passes historical models, which may lack fields added later: those are left to the
    # migration that adds them (it loads the catalog again).
    fields = {f.name for f in model._meta.concrete_fields}
    for row in rows:
        k = key(row)
        row = {f: v for f, v in row.items() if f in fields}
        instance = existing.get(k)
        if instance is None:
            instance = model.objects.create(**row)
            changes.created[name].append(_label(k))
        else:
            dirty = [f for f, v in row.items() if getattr(instance, f) != v]
            if dirty:
                for f in dirty:
                    setattr(instance, f, row[f])
                instance.save(update_fields=dirty)
                changes.updated[name].append(_label(k))
        kept[k] = instance
    return kept


def _label(key: Any) -> str:
    return "/".join(str(k) for k in key) if isinstance(key, tuple) else str(key)


def _delete_missing(existing: dict[Any, Any], kept: dict[Any, Any], name: str, changes: Changes) -> None:
    for k, instance in existing.items():
        if k not in kept:
            instance.delete()
            changes.deleted[name].append(_label(k))


def sync_catalog(data: dict[str, Any], models: dict[str, Any]) -> Changes:
    """Make the database match `data` (from `read_catalog`). `models` maps Law, Provision, Article,
    ArticleVersion, PenaltyBand, IncreaseRule to model classes (real or historical)."""
    Law, Provision, Article = models["Law"], models["Provision"], models["Article"]
    Version, Band, Rule = models["ArticleVersion"], models["PenaltyBand"], models["IncreaseRule"]
    changes = Changes()

    old_laws = {law.code: law for law in Law.objects.all()}
    laws = _sync(Law, data["laws"], lambda r: r["code"], "laws", changes, old_laws)
    old_provisions = {p.code: p for p in Provision.objects.all()}
    provisions = _sync(Provision, data["provisions"], lambda r: r["code"], "provisions", changes, old_provisions)

    old_articles = {(a.law.code, a.number): a for a in Article.objects.select_related("law")}
    article_rows = [{**r, "law": laws[r["law"]]} for r in data["articles"]]
    articles = _sync(Article, article_rows, lambda r: (r["law"].code, r["number"]), "articles", changes, old_articles)

    old_versions = {v.code: v for v in Version.objects.all()}
    version_rows = []
    for r in data["versions"]:
        row = {k: v for k, v in r.items() if k not in ("law", "number", "amended_by", "successor")}
        row["article"] = articles[(r["law"], r["number"])]
        row["amended_by"] = laws[r["amended_by"]] if r["amended_by"] else None
        row["successor"] = articles[(r["law"], r["successor"])] if r["successor"] else None
        version_rows.append(row)
    versions = _sync(Version, version_rows, lambda r: r["code"], "versions", changes, old_versions)

    old_bands = {(b.version.code, b.code): b for b in Band.objects.select_related("version")}
    band_rows = [{**r, "version": versions[r["version"]]} for r in data["bands"]]
    bands = _sync(Band, band_rows, lambda r: (r["version"].code, r["code"]), "bands", changes, old_bands)
    old_rules = {rule.code: rule for rule in Rule.objects.all()}
    rule_rows = [{**r, "version": versions[r["version"]]} for r in data["rules"]]
    rules = _sync(Rule, rule_rows, lambda r: r["code"], "rules", changes, old_rules)

    # Children first, so nothing left points at a deleted row.
    _delete_missing(old_rules, rules, "rules", changes)
    _delete_missing(old_bands, bands, "bands", changes)
    _delete_missing(old_versions, versions, "versions", changes)
    _delete_missing(old_articles, articles, "articles", changes)
    _delete_missing(old_provisions, provisions, "provisions", changes)
    _delete_missing(old_laws, laws, "laws", changes)
    return changes


def real_models() -> dict[str, Any]:
    from . import models

    return {
        name: getattr(models, name)
        for name in ("Law", "Provision", "Article", "ArticleVersion", "PenaltyBand", "IncreaseRule")
    }
