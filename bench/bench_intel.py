"""Benchmark of intelligent dispatch (智能派单): classifier, grid lookup, address match, duplicates.

Run `python bench/bench_intel.py`; `main()` returns the markdown section that is printed.
The classifier is trained from scratch on the shared training file (timed) into a temporary
model root and evaluated one message at a time on the raw dev file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def bench_classifier() -> list[str]:
    from gridgov.intel import classifier
    from gridgov.intel.corpus import load_records
    from gridgov.intel.evaluation import evaluate

    data = classifier.default_datasets_dir()
    train_csv, dev_csv = data / "citizen-messages-train.csv", data / "citizen-messages-dev.csv"
    if not train_csv.is_file() or not dev_csv.is_file():
        return [f"Classifier: skipped, dataset not found under `{data}`."]
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        version_dir = classifier.train_files([train_csv], Path(tmp))
        train_s = time.perf_counter() - t0
        model = classifier.Model.load(version_dir)
        t0 = time.perf_counter()
        classifier.Model.load(version_dir)
        load_s = time.perf_counter() - t0
        result = evaluate(model, load_records(dev_csv))
    lines = [
        "### Category classifier (train: citizen-messages-train.csv, 7,814 segmented rows; eval: dev, raw)",
        "",
        "| metric | value |",
        "|---|---|",
        f"| macro-F1 (dev, n={result['n']}) | **{result['macro_f1']:.4f}** |",
        f"| accuracy | {result['accuracy']:.4f} |",
        f"| coverage at threshold {result['threshold']} / accuracy when confident | {result['coverage']:.3f} / {result['accuracy_confident']:.4f} |",
        f"| latency per message p50 / p99 | {result['p50_ms']:.3f} ms / {result['p99_ms']:.3f} ms |",
        f"| training time (featurise + 3-fold calibration + fit) | {train_s:.1f} s |",
        f"| model load time | {load_s:.2f} s |",
        f"| out-of-fold accuracy on train (3-fold) | {model.meta.get('oof_accuracy', float('nan')):.4f} |",
        "",
        "| class | precision | recall | F1 | support |",
        "|---|---|---|---|---|",
    ]
    for lab, m in result["per_class"].items():
        lines.append(f"| {lab} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} |")
    return lines


def bench_geo(n_side: int = 317, n_queries: int = 50_000) -> list[str]:
    import numpy as np

    from gridgov.territory.geo import GridIndex, synthetic_grids

    items = synthetic_grids(n_side, seed=0)
    t0 = time.perf_counter()
    index = GridIndex.build(items)
    build_s = time.perf_counter() - t0
    rng = random.Random(1)
    x0, y0, x1, y1 = index.bounds()
    pad = (x1 - x0) * 0.02
    pts = [(rng.uniform(x0 - pad, x1 + pad), rng.uniform(y0 - pad, y1 + pad)) for _ in range(n_queries)]
    locate, clock = index.locate, time.perf_counter
    times = []
    outside = 0
    for x, y in pts:
        t = clock()
        key = locate(x, y)
        times.append(clock() - t)
        outside += key is None
    us = np.array(times) * 1e6
    return [
        f"### Point → grid ({len(index):,} synthetic jittered-lattice grids)",
        "",
        f"- build: {build_s:.2f} s; {n_queries:,} random points ({outside:,} outside every grid)",
        f"- lookup p50 **{np.percentile(us, 50):.1f} µs**, p99 {np.percentile(us, 99):.1f} µs, mean {us.mean():.1f} µs",
    ]


def bench_address() -> list[str]:
    from gridgov.territory.address import AddressMatcher

    data = json.loads((ROOT / "gridgov/territory/data/address_cases.json").read_text(encoding="utf-8"))
    matcher = AddressMatcher([tuple(e) for e in data["entries"]])
    right = answered = wrong = 0
    for text, gold in data["cases"]:
        got = matcher.match(text).grid_key
        right += got == gold
        if got is not None:
            answered += 1
            wrong += got != gold
    n = len(data["cases"])
    return [
        "### Address text → grid (gridgov/territory/data/address_cases.json)",
        "",
        f"- {n} labelled texts ({sum(g is None for _, g in data['cases'])} should give no grid): "
        f"exact **{right}/{n} = {right / n:.3f}**; wrong grid given {wrong}/{answered} answered",
    ]


def bench_dedup() -> list[str]:
    from gridgov.intel import dedup_examples

    r = dedup_examples.score()
    return [
        "### Duplicate detection (gridgov/intel/data/dedup_cases.json)",
        "",
        f"- {r['queries']} queries against 36 open cases, {r['pairs_true']} true duplicate pairs: "
        f"precision **{r['precision']:.3f}**, recall **{r['recall']:.3f}** (tp {r['tp']}, fp {r['fp']}, fn {r['fn']})",
        f"- queries answered wrongly, by kind: {r['wrong_by_kind']}",
    ]


def main() -> str:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
    header = [
        "## Intelligent dispatch (智能派单)",
        "",
        f"Machine: {os.cpu_count()} CPU × {_cpu_model()}, Python {platform.python_version()}; "
        f"run {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}.",
        "",
    ]
    parts = [bench_classifier(), bench_geo(), bench_address(), bench_dedup()]
    body: list[str] = []
    for p in parts:
        body.extend(p)
        body.append("")
    return "\n".join(header + body)


if __name__ == "__main__":
    print(main())
