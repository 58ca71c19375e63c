"""The demo county's own parts of `gridgov demo`, registered like any domain's (see gridgov/core/demo.py).

They build what the apps that existed before the registry need: territory, catalogue, people, the
household ledger, resident logins, party organisation and a year of case history. Each lives here
rather than in its domain app only because it predates the registry; a part can move to
`gridgov/<app>/demo.py` unchanged, keeping its name so `after=` references still hold.
"""

from __future__ import annotations

import time

from gridgov.core.demo import DemoContext, register_demo_part
from gridgov.demo import county
from gridgov.demo.history import HISTORY_CASES, make_history


def build_history(ctx: DemoContext) -> int:
    """A year of cases replayed through the real actions, so every timeline is a true one."""
    total = ctx.options.get("history")
    if total is None:
        total = max(45, round(HISTORY_CASES * ctx.scale))
    started = ctx.options.get("started", time.perf_counter())
    ctx.log(
        f"  county built in {time.perf_counter() - started:.1f} s; replaying {total} cases through the actions…"
    )
    return make_history(county.demo_county(ctx), ctx.rng, total=total, now=ctx.now)


# Registration order is run order among parts ready together: it keeps the seed's random draws in the
# order the county was always built in.
register_demo_part("territory", county.build_territory)
register_demo_part("catalogue", county.build_catalogue, after=("territory",))
register_demo_part("people", county.build_people, after=("territory", "catalogue"))
register_demo_part("ledger", county.build_ledger, after=("territory",))
register_demo_part("resident_logins", county.build_resident_logins, after=("people", "ledger"))
register_demo_part("party", county.build_party, after=("people", "ledger"))
register_demo_part(
    "history", build_history, after=("territory", "catalogue", "people", "resident_logins", "party")
)
