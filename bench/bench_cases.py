"""Case volume: bulk-load synthetic history, then time the dispatcher queue and KPI-style aggregates.

Runs in a throw-away SQLite database (never the one in var/): migrate, build the demo county, add
BENCH_CASES cases (default 100,000) with `gridgov demo --cases`, then time the queries in a fresh
process. The load rate is extrapolated linearly to 1,000,000 cases and the section says so.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASES = int(os.environ.get("BENCH_CASES", "100000"))
REPEAT = 5


def _gridgov(env: dict, *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "gridgov.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - started, done.stdout


def _timed(fn) -> float:
    """Median wall time of REPEAT runs, in milliseconds (after one warm-up run)."""
    fn()
    runs = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


def measure_queries() -> dict:
    """Run inside the bench database (called in a subprocess with its environment)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    import django

    django.setup()
    from django.db.models import Count, F, Q
    from django.db.models.functions import Substr, TruncMonth

    from gridgov.cases.models import OPEN_STATUSES, Case, Rating
    from gridgov.cases.selectors import dispatcher_queue, handler_inbox
    from gridgov.core import clock
    from gridgov.people.models import User
    from gridgov.territory.selectors import county

    dispatcher = User.objects.get(username="dispatcher")
    worker = User.objects.filter(username__startswith="w").order_by("username").first()
    root = county()
    street_prefix = len(root.path) + 4  # "/451030/" + "001/"
    now = clock.now()
    results = {
        "cases": Case.objects.count(),
        "dispatcher queue: count": _timed(lambda: dispatcher_queue(dispatcher).count()),
        "dispatcher queue: first page (50)": _timed(lambda: list(dispatcher_queue(dispatcher)[:50])),
        "grid worker inbox: first page (50)": _timed(lambda: list(handler_inbox(worker)[:50])),
        "county totals (received, done, on time, rework)": _timed(
            lambda: Case.objects.aggregate(
                received=Count("id"),
                done=Count("id", filter=Q(status__in=["resolved", "closed"])),
                on_time=Count("id", filter=Q(resolved_at__lte=F("deadline_at"))),
                rework=Count("id", filter=Q(rework_count__gt=0)),
            )
        ),
        "satisfaction rate (ratings by score)": _timed(
            lambda: list(Rating.objects.values("score").annotate(n=Count("id")))
        ),
        "by street × status": _timed(
            lambda: list(
                Case.objects.annotate(street=Substr("region_path", 1, street_prefix))
                .values("street", "status")
                .annotate(n=Count("id"))
            )
        ),
        "by month (12 months)": _timed(
            lambda: list(
                Case.objects.annotate(month=TruncMonth("created_at")).values("month").annotate(n=Count("id"))
            )
        ),
        "overdue open cases": _timed(
            lambda: Case.objects.filter(status__in=OPEN_STATUSES, deadline_at__lt=now).count()
        ),
        "one street's cases (prefix filter), count": _timed(
            lambda: Case.objects.filter(region_path__startswith=root.path + "001/").count()
        ),
    }
    return results


def main() -> str:
    with tempfile.TemporaryDirectory(prefix="gridgov-bench-") as tmp:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(
            GRIDGOV_SQLITE_PATH=str(Path(tmp) / "bench.sqlite3"),
            GRIDGOV_MEDIA_ROOT=str(Path(tmp) / "media"),
            GRIDGOV_LOG_LEVEL="WARNING",
        )
        _gridgov(env, "migrate", "--noinput")
        build_s, _ = _gridgov(env, "demo", "--seed", "1")
        load_s, out = _gridgov(env, "demo", "--cases", str(CASES))
        match = re.search(
            r"added ([\d,]+) cases and ([\d,]+) timeline entries in ([\d.]+) s \(([\d,]+) cases/s\)", out
        )
        entries = int(match.group(2).replace(",", "")) if match else 0
        insert_s = float(match.group(3)) if match else load_s
        rate = CASES / insert_s
        size_mb = sum(p.stat().st_size for p in Path(tmp).glob("bench.sqlite3*")) / 1e6
        done = subprocess.run(
            [sys.executable, __file__, "--queries"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        queries = json.loads(done.stdout.strip().splitlines()[-1])
    total = queries.pop("cases")
    lines = [
        "## Cases: bulk history load and queries",
        "",
        f"SQLite, throw-away database. `gridgov demo --seed 1` (103 grids, ~10,000 households, 400 cases replayed "
        f"through the real actions) took **{build_s:.1f} s**. `gridgov demo --cases {CASES:,}` then inserted "
        f"{CASES:,} cases and {entries:,} timeline entries in **{insert_s:.1f} s = {rate:,.0f} cases/s** "
        f"(process total {load_s:.1f} s). Extrapolated linearly (not measured) to 1,000,000 cases: "
        f"**≈ {1_000_000 / rate / 60:.1f} min**. Database size after the load: {size_mb:,.0f} MB.",
        "",
        f"Queries on {total:,} cases, median of {REPEAT} runs after a warm-up, in a fresh process:",
        "",
        "| query | median ms |",
        "|---|---:|",
    ]
    lines += [f"| {name} | {ms:,.1f} |" for name, ms in queries.items()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if "--queries" in sys.argv:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(measure_queries()))
    else:
        print(main())
