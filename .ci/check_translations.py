#!/usr/bin/env python3
"""Check the Spanish translation catalogue (stdlib only).

Run from anywhere with the project's Python, e.g. from the repo root:

    .venv/bin/python .ci/check_translations.py

It fails (exit 1) when
  (a) the committed src/amparo/locale/es/LC_MESSAGES/django.po is stale: a msgid that
      `makemessages -l es --no-obsolete --no-location` extracts from the code today is
      missing from it;
  (b) an entry of the committed .po has an empty msgstr (or an empty plural msgstr[n],
      or fewer plural forms than the header's nplurals) or is marked fuzzy;
  (c) the committed django.mo is missing, out of date or otherwise inconsistent with the .po
      (msgfmt --check must accept the .po and its output must match django.mo).

The working tree is never written to: makemessages runs on a temporary copy of src/amparo.
Needs GNU gettext (xgettext, msgmerge, msgfmt): `apt-get install gettext`.

To fix a failure: `make messages` (or the makemessages/compilemessages commands below),
translate the new entries in the .po, then compile:
    cd src/amparo && DEBUG=1 ../../.venv/bin/amparo makemessages -l es --no-obsolete --no-location
    cd src/amparo && DEBUG=1 ../../.venv/bin/amparo compilemessages
"""

from __future__ import annotations

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "src"
APP = SRC / "amparo"
LANG = "es"
REL_PO = Path("locale") / LANG / "LC_MESSAGES" / "django.po"
PO = APP / REL_PO
MO = PO.with_suffix(".mo")
MAKEMESSAGES_OPTIONS = {"locale": [LANG], "no_obsolete": True, "no_location": True, "verbosity": 0}

Key = tuple[str | None, str, str | None]  # (msgctxt, msgid, msgid_plural)


class Entry:
    def __init__(self) -> None:
        self.flags: set[str] = set()
        self.fields: dict[str, str] = {}
        self.line = 0

    @property
    def key(self) -> Key:
        return (self.fields.get("msgctxt"), self.fields.get("msgid", ""), self.fields.get("msgid_plural"))

    @property
    def msgstrs(self) -> dict[str, str]:
        return {k: v for k, v in self.fields.items() if k.startswith("msgstr")}


def parse_po(path: Path) -> list[Entry]:
    """A small PO parser: active entries only (obsolete `#~` entries are skipped)."""
    entries: list[Entry] = []
    cur: Entry | None = None
    field: str | None = None

    def start() -> Entry:
        e = Entry()
        entries.append(e)
        return e

    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            cur, field = None, None
            continue
        if line.startswith("#"):
            if line.startswith("#~"):
                continue
            if cur is not None and "msgid" in cur.fields:  # a comment after the strings opens a new entry
                cur, field = None, None
            if line.startswith("#,"):
                if cur is None:
                    cur = start()
                    cur.line = n
                cur.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        m = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")$", line)
        if m:
            name = m.group(1)
            if cur is None or (name in ("msgid", "msgctxt") and "msgid" in cur.fields):
                cur = start()
            if not cur.line:
                cur.line = n
            field = name
            cur.fields[field] = _unquote(m.group(2), path, n)
        elif line.startswith('"') and cur is not None and field is not None:
            cur.fields[field] += _unquote(line, path, n)
        else:
            raise SystemExit(f"{path}:{n}: cannot parse line: {raw!r}")
    return [e for e in entries if "msgid" in e.fields]


def _unquote(s: str, path: Path, n: int) -> str:
    try:
        value = ast.literal_eval(s)
    except (ValueError, SyntaxError) as exc:
        raise SystemExit(f"{path}:{n}: bad string {s!r}: {exc}") from exc
    if not isinstance(value, str):
        raise SystemExit(f"{path}:{n}: bad string {s!r}")
    return value


def show(key: Key) -> str:
    ctxt, msgid, plural = key
    text = repr(msgid)
    if plural is not None:
        text += f" / plural {plural!r}"
    if ctxt is not None:
        text = f"[context {ctxt!r}] " + text
    return text


def nplurals(header: str) -> int | None:
    m = re.search(r"^Plural-Forms:.*?nplurals\s*=\s*(\d+)", header, re.M)
    return int(m.group(1)) if m else None


def django_env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "amparo.config.settings",
            "DEBUG": "1",
            "AMPARO_VAR_DIR": str(tmp / "var"),
            "SQLITE_PATH": str(tmp / "var" / "check.sqlite3"),
            "PYTHONPATH": os.pathsep.join([str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])]),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env


def fresh_catalogue(tmp: Path) -> Path:
    """makemessages on a copy of src/amparo (code + committed locale), written into the copy only."""
    copy = tmp / "amparo"
    shutil.copytree(APP, copy, symlinks=True, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (tmp / "var").mkdir()
    snippet = (
        "import django\n"
        "from django.conf import settings\n"
        "from django.core.management import call_command\n"
        "django.setup()\n"
        f"settings.LOCALE_PATHS = [{str(copy / 'locale')!r}]\n"
        f"call_command('makemessages', **{MAKEMESSAGES_OPTIONS!r})\n"
    )
    # -P: do not put the current directory (the copy) on sys.path; the settings come from src/.
    cmd = [sys.executable, "-P", "-c", snippet]
    proc = subprocess.run(cmd, cwd=copy, env=django_env(tmp), capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit("check_translations: makemessages failed (see above).")
    fresh = copy / REL_PO
    if not fresh.exists():
        raise SystemExit(f"check_translations: makemessages did not produce {fresh}")
    return fresh


def mo_catalogue(path: Path) -> dict:
    with path.open("rb") as fp:
        return dict(gettext.GNUTranslations(fp)._catalog)  # type: ignore[attr-defined]


def main() -> int:
    for tool in ("msgfmt", "xgettext", "msgmerge"):
        if shutil.which(tool) is None:
            print(f"check_translations: `{tool}` not found: install GNU gettext (apt-get install gettext).")
            return 1
    if not PO.exists():
        print(f"check_translations: {PO.relative_to(REPO)} does not exist: run makemessages -l {LANG}.")
        return 1

    problems: list[str] = []
    notes: list[str] = []
    committed = parse_po(PO)
    header = next((e for e in committed if e.key == (None, "", None)), None)
    entries = [e for e in committed if e.key != (None, "", None)]
    committed_keys = {e.key for e in entries}

    with tempfile.TemporaryDirectory(prefix="amparo-i18n-") as tmpname:
        tmp = Path(tmpname)

        # (a) stale catalogue
        fresh_keys = {e.key for e in parse_po(fresh_catalogue(tmp)) if e.key != (None, "", None)}
        missing = sorted(fresh_keys - committed_keys, key=lambda k: k[1])
        if missing:
            problems.append(
                f"The catalogue is stale: {len(missing)} msgid(s) in the code are missing from "
                f"{PO.relative_to(REPO)} (run makemessages, translate, compilemessages):"
            )
            problems += [f"    {show(k)}" for k in missing]
        extra = sorted(committed_keys - fresh_keys, key=lambda k: k[1])
        if extra:
            notes.append(
                f"note: {len(extra)} entry(ies) in the .po are not extracted from the code (kept by hand or obsolete):"
            )
            notes += [f"    {show(k)}" for k in extra]

        # (b) untranslated or fuzzy entries
        want = nplurals(header.fields.get("msgstr", "")) if header else None
        if header is None:
            problems.append("The .po has no header entry.")
        elif "fuzzy" in header.flags:
            problems.append("The .po header is marked fuzzy (msgfmt would ignore it): remove the '#, fuzzy' line.")
        bad: list[str] = []
        for e in entries:
            reasons = []
            if "fuzzy" in e.flags:
                reasons.append("fuzzy")
            strs = e.msgstrs
            if not strs:
                reasons.append("no msgstr")
            elif e.key[2] is not None:
                forms = sorted(strs, key=lambda k: int(re.sub(r"\D", "", k) or 0))
                empty = [k for k in forms if not strs[k]]
                if empty:
                    reasons.append("empty " + ", ".join(empty))
                if want is not None and len(forms) < want:
                    reasons.append(f"{len(forms)} plural form(s), the header wants {want}")
            elif not strs.get("msgstr"):
                reasons.append("empty msgstr")
            if reasons:
                bad.append(f"    line {e.line}: {show(e.key)} ({'; '.join(reasons)})")
        if bad:
            problems.append(f"{len(bad)} entry(ies) of {PO.relative_to(REPO)} are untranslated or fuzzy:")
            problems += bad

        # (c) compiled catalogue up to date
        fresh_mo = tmp / "check.mo"
        proc = subprocess.run(["msgfmt", "--check", "-o", str(fresh_mo), str(PO)], capture_output=True, text=True)
        if proc.returncode != 0:
            problems.append("msgfmt --check rejects the .po:")
            problems += ["    " + line for line in (proc.stdout + proc.stderr).strip().splitlines()]
        elif not MO.exists():
            problems.append(f"{MO.relative_to(REPO)} is missing: run compilemessages.")
        elif MO.read_bytes() != fresh_mo.read_bytes():
            old, new = mo_catalogue(MO), mo_catalogue(fresh_mo)
            if old == new:
                notes.append("note: django.mo differs in bytes (another msgfmt build?) but holds the same catalogue.")
            else:
                diff = sorted(
                    {str(k) for k in old.keys() ^ new.keys()}
                    | {str(k) for k in old.keys() & new.keys() if old[k] != new[k]}
                )
                problems.append(
                    f"{MO.relative_to(REPO)} is out of date with the .po (run compilemessages); differing msgids:"
                )
                problems += [f"    {k!r}" for k in diff[:50]] + (["    ..."] if len(diff) > 50 else [])

    for line in notes:
        print(line)
    if problems:
        print("translations NOT OK:")
        for line in problems:
            print(line if line.startswith("    ") else f"  - {line}")
        return 1
    print(f"translations OK ({len(entries)} entries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
