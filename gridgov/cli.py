"""The `gridgov` command: demo, dispatch (smart dispatch), worker, and Django passthroughs."""

from __future__ import annotations

import os
import sys

USAGE = """usage: gridgov <command> [options]

commands:
  demo [--seed N] [--cases N] [--if-empty] [--logins]   build the demo county / add cases / print logins
  dispatch train|eval|ensure-model ...                 智能派单 models (see docs/intel.md)
  worker [--once]                                      notifications and periodic ticks
  audit verify                                         check the hash chains; names the first tampered entry
  serve [HOST:PORT]                                    the web server (default 127.0.0.1:8000)
  migrate, createsuperuser, shell, check, ...          passed to Django's manage.py
"""


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    import django

    django.setup()


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    command, rest = args[0], args[1:]
    if command == "demo":
        _django()
        from gridgov.demo.cli import main as demo_main

        return demo_main(rest)
    if command == "dispatch":
        _django()
        from gridgov.intel.cli import main as dispatch_main

        return dispatch_main(rest)
    if command == "worker":
        _django()
        from gridgov.notify.worker import main as worker_main

        return worker_main(rest)
    if command == "serve":
        command, rest = "runserver", (rest or ["127.0.0.1:8000"]) + ["--noreload"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["gridgov", command, *rest])
    return 0


if __name__ == "__main__":
    sys.exit(main())
