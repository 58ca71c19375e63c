"""Scoring a classifier model on labelled messages, one message at a time."""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from gridgov.intel.classifier import Model


def evaluate(model: Model, records: Sequence[tuple[str, str]]) -> dict:
    """Accuracy, macro-F1, per-class P/R/F1 and single-message latency percentiles.

    Each message is classified on its own (no batching) because that is how a case arrives;
    latency covers normalisation, featurisation and the product, i.e. all of `Model.suggest`.
    `accuracy`/`macro_f1` use the arg-max label; `coverage`/`accuracy_confident` describe what
    happens when answers below the model's threshold are reported as uncertain.
    """
    if not records:
        raise ValueError("评估数据为空")
    model.suggest("预热")  # first call initialises jieba's dictionary; not a per-message cost
    latencies: list[float] = []
    gold: list[str] = []
    pred: list[str] = []
    confident_hits = confident_n = 0
    for text, label in records:
        t0 = time.perf_counter()
        s = model.suggest(text)
        latencies.append(time.perf_counter() - t0)
        guess = s.top[0][0] if s.top else ""
        gold.append(label)
        pred.append(guess)
        if not s.uncertain:
            confident_n += 1
            confident_hits += guess == label
    labels = sorted(set(gold) | set(model.labels))
    per_class: dict[str, dict[str, float]] = {}
    f1s: list[float] = []
    for lab in labels:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p == lab)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != lab and p == lab)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == lab and p != lab)
        support = tp + fn
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if support:  # classes absent from the evaluation set do not enter the macro average
            f1s.append(f1)
        per_class[lab] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "support": support,
        }
    ms = np.array(latencies) * 1000.0
    n = len(gold)
    return {
        "model_version": model.version,
        "n": n,
        "accuracy": round(sum(g == p for g, p in zip(gold, pred, strict=True)) / n, 4),
        "macro_f1": round(float(np.mean(f1s)), 4) if f1s else 0.0,
        "threshold": model.threshold,
        "coverage": round(confident_n / n, 4),
        "accuracy_confident": round(confident_hits / confident_n, 4) if confident_n else None,
        "p50_ms": round(float(np.percentile(ms, 50)), 4),
        "p99_ms": round(float(np.percentile(ms, 99)), 4),
        "per_class": per_class,
    }
