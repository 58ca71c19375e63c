"""Run a management command as `gridgov <name> …` would, and get its exit code, inside a test."""

from __future__ import annotations

from django.core.management import call_command, get_commands, load_command_class


def exit_code(name: str, *argv: str) -> int:
    """0, or the code the command exited with. Runs in-process, in the test's database transaction."""
    try:
        call_command(name, *argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def cli_exit_code(name: str, *argv: str) -> int:
    """The exit code of `gridgov name argv…` for input refused while parsing (usage errors exit 2).

    `call_command` turns argparse's refusal into an exception; only a command-line run shows the exit
    code a shell sees. No database work happens before parsing, so this is safe in any test.
    """
    command = load_command_class(get_commands()[name], name)
    command._called_from_command_line = True  # what run_from_argv sets: argparse exits instead of raising
    parser = command.create_parser("gridgov", name)
    try:
        parser.parse_args(list(argv))
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0
