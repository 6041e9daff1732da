"""Reading the files named on the command line, with errors in the active language (no traceback)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def read_input(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise CommandError(_("The file %(path)s does not exist.") % {"path": path}) from exc
    except IsADirectoryError as exc:
        raise CommandError(_("%(path)s is a directory; give a file name.") % {"path": path}) from exc
    except OSError as exc:
        raise CommandError(_("The file %(path)s cannot be read.") % {"path": path}) from exc
