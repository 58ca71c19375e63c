"""`gridgov demo`: build the demo county, add bulk cases for benchmarks, print the logins."""

from __future__ import annotations

import argparse
import sys

from django.core.management.base import BaseCommand

USAGE = """gridgov demo [--seed N] [--scale X] [--if-empty]   build the demo county (示范县) with a year of cases
gridgov demo --cases N [--seed N]                  add N synthetic cases in bulk (benchmarks)
gridgov demo --logins                              print the demo logins"""


def _positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be positive")
    return value


def _scale(text: str) -> float:
    value = float(text)
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError("must be in (0, 1]")
    return value


class Command(BaseCommand):
    help = "[--seed N] [--cases N] [--if-empty] [--logins] build the demo county / add cases / print logins"

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(prog_name, subcommand, usage=USAGE, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=1, help="random seed; the same seed gives the same county"
        )
        parser.add_argument(
            "--scale", type=_scale, default=1.0, help="size factor, e.g. 0.05 for a tiny test county"
        )
        parser.add_argument(
            "--history", type=int, default=None, help="historical cases made through the actions"
        )
        parser.add_argument("--if-empty", action="store_true", help="do nothing if a county already exists")
        parser.add_argument(
            "--cases", type=_positive, default=None, help="add N cases in bulk to the existing demo"
        )
        parser.add_argument(
            "--batch", type=_positive, default=5000, help="rows per bulk batch (with --cases)"
        )
        parser.add_argument("--logins", action="store_true", help="print the demo logins and exit")

    def handle(self, *args, seed, scale, history, if_empty, cases, batch, logins, **options):
        from gridgov.demo.build import demo_build, demo_exists

        if logins:
            from gridgov.demo.logins import logins_table

            self.stdout.write(logins_table())
            return
        if cases is not None:
            from gridgov.demo.bulk import NoDemoCounty, bulk_cases

            try:
                result = bulk_cases(cases, seed=seed, batch=batch, log=self.stdout.write)
            except NoDemoCounty as exc:
                self.stdout.write(f"gridgov demo: {exc}")
                sys.exit(1)
            self.stdout.write(
                f"gridgov demo: added {result['cases']:,} cases and {result['entries']:,} timeline entries in "
                f"{result['seconds']:.1f} s ({result['rate']:,.0f} cases/s)"
            )
            from gridgov.measures.actions import rollups_rebuild

            # The bulk load bypasses the case actions and so their rollup hook: recount from the rows.
            rollups_rebuild("cases")
            self.stdout.write("gridgov demo: KPI rollups rebuilt from the cases")
            return
        if demo_exists():
            if if_empty:
                self.stdout.write("gridgov demo: a county already exists; nothing to do (--if-empty)")
                return
            self.stdout.write(
                "gridgov demo: a county already exists. Use a fresh database (rm var/gridgov.sqlite3 && "
                "gridgov migrate), or --cases N to add cases."
            )
            # Exit 1 with the message on stdout, as before the move to a management command.
            sys.exit(1)
        demo_build(seed=seed, scale=scale, cases=history, log=self.stdout.write)
