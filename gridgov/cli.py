"""The `gridgov` command: Django's management commands under one name, plus `serve`.

Every command is a Django management command in its app (`<app>/management/commands/<name>.py`), so a
new app's command appears here, in `gridgov help` and in `manage.py` without editing this file.
"""

from __future__ import annotations

import os
import sys

SERVE_DEFAULT = "127.0.0.1:8000"
# Django's own commands people use most; the full list is `gridgov help --commands`.
DJANGO_COMMON = "migrate, createsuperuser, shell, check, ..."


def _usage() -> str:
    from django.core.management import get_commands, load_command_class

    lines = ["usage: gridgov <command> [options]", "", "commands:"]
    for name, app in sorted(get_commands().items()):
        if not app.startswith("gridgov."):
            continue
        command = load_command_class(app, name)
        summary = (command.help or "").strip().splitlines()[0] if command.help else ""
        lines.append(f"  {name:<14} {summary}")
    lines.append(f"  {'serve':<14} [HOST:PORT] the web server (default {SERVE_DEFAULT})")
    lines.append(f"  {DJANGO_COMMON}  passed to Django (gridgov help <command> for its options)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    if not args or args[0] in ("-h", "--help") or args == ["help"]:
        import django

        django.setup()
        print(_usage())
        return 0
    command, rest = args[0], args[1:]
    if command == "serve":
        # --noreload: one process, so Ctrl-C in `make run` stops the server and not just a reloader.
        command, rest = "runserver", (rest or [SERVE_DEFAULT]) + ["--noreload"]
    from django.core.management import execute_from_command_line

    execute_from_command_line(["gridgov", command, *rest])
    return 0


if __name__ == "__main__":
    sys.exit(main())
