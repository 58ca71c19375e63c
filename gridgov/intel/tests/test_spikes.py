"""Early warning: planted spikes are found, quiet weeks stay silent, recurrences are linked."""

from __future__ import annotations

import datetime as dt

import numpy as np

from gridgov.intel.spikes import ClosedCase, NewCase, detect_spikes, recurrences

START = dt.date(2026, 8, 3)  # a Monday
WEEKDAY = [1.2, 1.1, 1.0, 1.0, 1.1, 0.6, 0.5]  # fewer reports at weekends


def _synthetic(seed: int, days: int = 84):
    rng = np.random.default_rng(seed)
    keys = [(f"R{r}", c) for r in range(6) for c in ("城乡建设", "环境保护", "交通运输", "卫生计生")]
    rates = {k: rng.choice([0.1, 0.3, 1.0, 3.0]) for k in keys}
    rows = []
    for d in range(days):
        day = START + dt.timedelta(days=d)
        for k in keys:
            n = int(rng.poisson(rates[k] * WEEKDAY[day.weekday()]))
            if n:
                rows.append((k, day, n))
    return keys, rates, rows


def test_planted_spikes_are_found():
    keys, rates, rows = _synthetic(1)
    planted = {
        (("R1", "环境保护"), START + dt.timedelta(days=60)): 9,
        (("R4", "交通运输"), START + dt.timedelta(days=70)): 6,
        (("R2", "城乡建设"), START + dt.timedelta(days=75)): 12,
    }
    for (key, day), extra in planted.items():
        rows.append((key, day, extra + int(3 * rates[key])))
    alerts = detect_spikes(rows)
    found = {(a.key, a.day) for a in alerts}
    assert set(planted) <= found
    for a in alerts:
        if (a.key, a.day) in planted:
            assert a.observed > a.expected and a.p_value < 1e-4
    assert len(alerts) <= len(planted) + 1  # at most one chance alert in 24 keys × 56 days at alpha 1e-4


def test_quiet_weeks_raise_nothing():
    for seed in (2, 3, 4):
        _, _, rows = _synthetic(seed)
        assert detect_spikes(rows) == []


def test_small_counts_do_not_alert_and_weekends_are_expected_lower():
    key = ("R9", "教育文体")
    rows = [(key, START + dt.timedelta(days=d), 1) for d in range(0, 56, 9)]
    rows.append((key, START + dt.timedelta(days=60), 2))  # a new key's "spike" of 2
    assert detect_spikes(rows) == []
    assert detect_spikes(rows, min_count=2, alpha=0.5)  # the gate is min_count, not the model


def test_recurrence_after_closure_is_reported():
    t = dt.datetime(2026, 11, 1, 10)
    closed = [
        ClosedCase("c1", "东门社区 阳光花园３栋", t, "城乡建设"),
        ClosedCase("c2", "翠湖苑", t - dt.timedelta(days=90), "城乡建设"),
        ClosedCase("c3", "金桂园", t, "环境保护"),
    ]
    new = [
        NewCase("n1", "东门社区阳光花园3栋", t + dt.timedelta(days=5), "城乡建设"),  # width/space variant
        NewCase("n2", "翠湖苑", t, "城乡建设"),  # closed too long ago
        NewCase("n3", "金桂园", t + dt.timedelta(days=1), "交通运输"),  # another kind of problem
        NewCase("n4", "阳光花园3栋", t - dt.timedelta(days=1), "城乡建设"),  # before closure
    ]
    found = recurrences(closed, new)
    assert [(r.new_id, r.closed_id) for r in found] == [("n1", "c1")]
    assert found[0].days_after_closure == 5.0
    assert [r.new_id for r in recurrences(closed, new, same_category=False)] == ["n1", "n3"]
