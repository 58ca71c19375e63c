"""`gridgov dispatch …` sub-commands: train and evaluate the category model.

    gridgov dispatch train --data FILE [--data FILE ...] --out MODEL_ROOT
        Writes a NEW version directory inside MODEL_ROOT and prints its path (and a JSON summary).
    gridgov dispatch eval --model DIR --data FILE
        DIR is either a version directory (what train printed) or a model root (newest version is
        used). Prints exactly one JSON line.
    gridgov dispatch ensure-model [--out DIR]
    gridgov dispatch report

Exit codes: 0 success, 2 bad arguments / missing files / bad columns, 1 unexpected failure.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from gridgov.core.progress import progress
from gridgov.intel.corpus import DataFormatError, load_records


class _UsageError(Exception):
    pass


class Command(BaseCommand):
    help = "train|eval|ensure-model|report 智能派单 models (see docs/intel.md)"

    def add_arguments(self, parser):
        parser.description = "智能派单：训练与评估分类模型"
        sub = parser.add_subparsers(dest="command", required=True)
        tr = sub.add_parser("train", help="训练新模型版本")
        tr.add_argument("--data", action="append", default=[], type=Path, help="CSV/xlsx，可重复")
        tr.add_argument(
            "--from-cases", action="store_true", help="加入平台已办结工单（以派单员最终选择的事项代码为标签）"
        )
        tr.add_argument("--out", required=True, type=Path, help="模型根目录（在其中新建版本子目录）")
        tr.add_argument("--threshold", type=float, default=None, help="低于此置信度返回“不确定”")
        tr.add_argument("--words", action="store_true", help="加入 jieba 分词特征（更慢，约 +0.6 ms/条）")
        ev = sub.add_parser("eval", help="评估模型")
        ev.add_argument("--model", required=True, type=Path, help="版本目录或模型根目录")
        ev.add_argument("--data", required=True, type=Path)
        en = sub.add_parser("ensure-model", help="若没有模型，用共享数据集训练默认模型")
        en.add_argument("--out", type=Path, default=None, help="模型根目录（默认 GRIDGOV_MODEL_DIR）")
        sub.add_parser("report", help="生产环境中模型建议与派单员选择的一致率（JSON）")

    def handle(self, *args, **options):
        code = run(argparse.Namespace(**options))
        if code:
            sys.exit(code)  # the message is already on stderr; exit codes are part of the interface


def run(args: argparse.Namespace) -> int:
    try:
        if args.command == "train":
            return _train(args)
        if args.command == "ensure-model":
            return _ensure(args)
        if args.command == "report":
            return _report()
        return _eval(args)
    except DataFormatError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except _UsageError as exc:
        print(f"参数错误：{exc}", file=sys.stderr)
        return 2


def _train(args: argparse.Namespace) -> int:
    from gridgov.intel import classifier

    # Three stages (read, fit, save): the fit is one call, so the bar moves per stage, not per row.
    bar = progress(total=3, desc="读取数据", unit="步")
    records: list[tuple[str, str]] = []
    for path in args.data:
        records.extend(load_records(path))
    if args.from_cases:
        from gridgov.cases.selectors import labelled_cases

        records.extend(labelled_cases())
    if not args.data and not args.from_cases:
        raise _UsageError("需要 --data 文件或 --from-cases")
    if not records:
        raise ValueError("没有可用于训练的记录")
    params = classifier.TrainParams()
    if args.threshold is not None:
        if not 0.0 <= args.threshold <= 1.0:
            raise ValueError("--threshold 必须在 0 到 1 之间")
        params.threshold = args.threshold
    if args.words:
        params.use_words = True
    bar.update(1)
    bar.set_description("训练模型")
    model, stats = classifier.fit(records, params)
    bar.update(1)
    bar.set_description("保存模型")
    version_dir = classifier.save(model, args.out, stats=stats, data_files=args.data)
    bar.update(1)
    bar.close()
    print(str(version_dir))
    summary = {
        "model": str(version_dir),
        "version": model.version,
        "n": stats["n"],
        "labels": stats["labels"],
        "n_features": stats["n_features"],
        "oof_accuracy": None
        if stats["oof_accuracy"] != stats["oof_accuracy"]
        else round(stats["oof_accuracy"], 4),
        "train_seconds": stats["train_s"],
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


def _ensure(args: argparse.Namespace) -> int:
    from django.conf import settings

    from gridgov.intel import classifier

    root = args.out or Path(settings.GRIDGOV_MODEL_DIR)
    version_dir = classifier.ensure_default_model(root)
    if version_dir is None:
        print("提示：没有找到数据集，智能派单建议将显示“不确定”，直到训练出模型", file=sys.stderr)
        return 0
    print(str(version_dir))
    return 0


def _report() -> int:
    from gridgov.cases.selectors import suggestion_agreement

    print(json.dumps(suggestion_agreement(), ensure_ascii=False))
    return 0


def _eval(args: argparse.Namespace) -> int:
    from gridgov.intel import classifier
    from gridgov.intel.evaluation import evaluate

    version_dir = classifier.latest_version_dir(args.model)
    if version_dir is None:
        print(f"错误：{args.model} 下没有可用的模型", file=sys.stderr)
        return 2
    records = load_records(args.data)
    model = classifier.Model.load(version_dir)
    print(json.dumps(evaluate(model, records), ensure_ascii=False))
    return 0
