"""`gridgov demo`: build the demo county, add bulk cases for benchmarks, print the logins."""

from __future__ import annotations

import argparse

USAGE = """gridgov demo [--seed N] [--scale X] [--if-empty]   build the demo county (示范县) with a year of cases
gridgov demo --cases N [--seed N]                  add N synthetic cases in bulk (benchmarks)
gridgov demo --logins                              print the demo logins"""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="gridgov demo", usage=USAGE)
    parser.add_argument(
        "--seed", type=int, default=1, help="random seed; the same seed gives the same county"
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="size factor, e.g. 0.05 for a tiny test county"
    )
    parser.add_argument("--history", type=int, default=None, help="historical cases made through the actions")
    parser.add_argument("--if-empty", action="store_true", help="do nothing if a county already exists")
    parser.add_argument("--cases", type=int, default=None, help="add N cases in bulk to the existing demo")
    parser.add_argument("--batch", type=int, default=5000, help="rows per bulk batch (with --cases)")
    parser.add_argument("--logins", action="store_true", help="print the demo logins and exit")
    args = parser.parse_args(argv)

    from gridgov.demo.build import demo_build, demo_exists

    if args.logins:
        from gridgov.demo.logins import logins_table

        print(logins_table())
        return 0
    if args.cases is not None:
        from gridgov.demo.bulk import NoDemoCounty, bulk_cases

        if args.cases <= 0:
            parser.error("--cases must be positive")
        try:
            result = bulk_cases(args.cases, seed=args.seed, batch=args.batch)
        except NoDemoCounty as exc:
            print(f"gridgov demo: {exc}")
            return 1
        print(
            f"gridgov demo: added {result['cases']:,} cases and {result['entries']:,} timeline entries in "
            f"{result['seconds']:.1f} s ({result['rate']:,.0f} cases/s)"
        )
        from gridgov.kpi.rollups import rollups_rebuild

        # The bulk load bypasses the case actions and so their rollup hook: recount from the rows.
        rollups_rebuild("cases")
        print("gridgov demo: KPI rollups rebuilt from the cases")
        return 0
    if demo_exists():
        if args.if_empty:
            print("gridgov demo: a county already exists; nothing to do (--if-empty)")
            return 0
        print(
            "gridgov demo: a county already exists. Use a fresh database (rm var/gridgov.sqlite3 && gridgov migrate), "
            "or --cases N to add cases."
        )
        return 1
    if not 0 < args.scale <= 1:
        parser.error("--scale must be in (0, 1]")
    demo_build(seed=args.seed, scale=args.scale, cases=args.history)
    return 0
