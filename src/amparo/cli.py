"""The `amparo` command: manage.py for operations (`amparo demo-data`, `amparo audit verify`, ...)."""

from __future__ import annotations

import os
import sys

# Sub-commands with a dash map to Django management commands with an underscore.
ALIASES = {"demo-data": "demo_data", "demo-otp": "demo_otp", "createadmin": "createadmin"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.config.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    if len(argv) > 1:
        argv[1] = ALIASES.get(argv[1], argv[1].replace("-", "_"))
    argv[0] = "amparo"
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
