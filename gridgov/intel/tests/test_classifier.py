"""Classifier: training, the dispatch CLI, thresholds, hot reload, no-model fallback."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest

from gridgov.core.tests.commands import cli_exit_code, exit_code
from gridgov.intel import classifier
from gridgov.intel.classifier import TrainParams, current_model, ensure_default_model, train

DATASETS = classifier.default_datasets_dir()
TRAIN_CSV = DATASETS / "citizen-messages-train.csv"
DEV_CSV = DATASETS / "citizen-messages-dev.csv"
needs_data = pytest.mark.skipif(not TRAIN_CSV.is_file(), reason="shared dataset not present")


def _sample(path: Path, n: int, seed: int = 0) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    random.Random(seed).shuffle(rows)
    return rows[:n]


@pytest.fixture(scope="module")
def small_train_csv(tmp_path_factory) -> Path:
    if not TRAIN_CSV.is_file():
        pytest.skip("shared dataset not present")
    path = tmp_path_factory.mktemp("data") / "train.csv"
    rows = _sample(TRAIN_CSV, 1500)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["text", "label"])
        w.writeheader()
        w.writerows({"text": r["text"], "label": r["label"]} for r in rows)
    return path


@pytest.fixture(scope="module")
def dev_xlsx(tmp_path_factory) -> Path:
    from openpyxl import Workbook

    if not DEV_CSV.is_file():
        pytest.skip("shared dataset not present")
    path = tmp_path_factory.mktemp("data") / "dev.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["title", "detail", "label"])
    for r in _sample(DEV_CSV, 200, seed=1):
        sheet.append([r["title"], r["detail"], r["label"]])
    book.save(path)
    return path


@needs_data
def test_train_then_eval_round_trip_through_the_cli(small_train_csv, dev_xlsx, tmp_path, capsys):
    root = tmp_path / "models"
    assert exit_code("dispatch", "train", "--data", str(small_train_csv), "--out", str(root)) == 0
    printed = capsys.readouterr().out.splitlines()
    version_dir = Path(printed[0])
    assert version_dir.parent == root and (version_dir / "meta.json").is_file()
    meta = json.loads((version_dir / "meta.json").read_text(encoding="utf-8"))
    assert meta["n"] == 1500 and len(meta["labels"]) == 7
    assert meta["data_files"][0]["sha256"] and meta["version"] == version_dir.name
    assert {"trained_at", "params"} <= set(meta)

    # eval accepts the version directory that train printed, and the root.
    for model_arg in (version_dir, root):
        assert exit_code("dispatch", "eval", "--model", str(model_arg), "--data", str(dev_xlsx)) == 0
        lines = capsys.readouterr().out.strip().splitlines()
        assert len(lines) == 1
        result = json.loads(lines[0])
        assert {"accuracy", "macro_f1", "n", "p50_ms", "p99_ms", "per_class"} <= set(result)
        assert result["n"] == 200
        assert set(result["per_class"]["城乡建设"]) >= {"precision", "recall", "f1"}
        # 1,500 segmented rows, judged on raw messages: well above chance (1/7), below the full model.
        assert result["macro_f1"] > 0.7


def test_cli_reports_missing_file_and_bad_columns(tmp_path, capsys):
    assert exit_code("dispatch", "train", "--data", str(tmp_path / "nope.csv"), "--out", str(tmp_path)) == 2
    assert "找不到数据文件" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text("foo,bar\n1,2\n", encoding="utf-8")
    assert exit_code("dispatch", "train", "--data", str(bad), "--out", str(tmp_path)) == 2
    assert "列名不正确" in capsys.readouterr().err
    assert exit_code("dispatch", "eval", "--model", str(tmp_path / "empty"), "--data", str(bad)) == 2
    assert cli_exit_code("dispatch", "frobnicate") == 2


TOY = [
    ("小区路灯坏了晚上一片漆黑", "LIGHT"),
    ("楼下路灯不亮请维修", "LIGHT"),
    ("路灯杆倒了灯不亮", "LIGHT"),
    ("街边路灯一直闪烁", "LIGHT"),
    ("自来水管爆裂漏水", "WATER"),
    ("水管漏水地面积水", "WATER"),
    ("停水三天没有自来水", "WATER"),
    ("供水管道破裂漏水严重", "WATER"),
]


def test_train_on_records_with_catalogue_codes_and_uncertain_below_threshold(tmp_path):
    version_dir = train(TOY * 3, tmp_path, params=TrainParams(threshold=0.5))
    model = current_model(tmp_path)
    assert model is not None and model.path == version_dir
    sure = model.suggest("我家门口的路灯坏了不亮")
    assert sure.label == "LIGHT" and not sure.uncertain and sure.top[0][0] == "LIGHT"
    assert abs(sum(p for _, p in model.suggest("自来水管漏水").top) - 1.0) < 1e-3
    # A message naming both problems is less certain than one naming one; with the threshold
    # between the two, the mixed one is reported as 不确定 and keeps its ranked guesses.
    mixed_text = "路灯不亮，自来水管也在漏水"
    assert model.suggest(mixed_text).confidence < sure.confidence
    model.threshold = (model.suggest(mixed_text).confidence + sure.confidence) / 2
    vague = model.suggest(mixed_text)
    assert vague.uncertain and vague.label is None and vague.display_label == "不确定"
    assert len(vague.top) == 2
    assert not model.suggest("我家门口的路灯坏了不亮").uncertain
    assert model.suggest("   ").uncertain


def test_newer_model_version_is_picked_up_without_restart(tmp_path):
    train(TOY * 3, tmp_path)
    first = current_model(tmp_path)
    assert current_model(tmp_path) is first  # cached
    relabelled = [(t, "照明" if lab == "LIGHT" else "供水") for t, lab in TOY * 3]
    train(relabelled, tmp_path)
    second = current_model(tmp_path)
    assert second is not first and second.version > first.version
    assert second.suggest("路灯坏了不亮").top[0][0] == "照明"


def test_suggest_without_model_is_uncertain_not_an_error(tmp_path, settings):
    settings.GRIDGOV_MODEL_DIR = tmp_path / "no-models-here"
    s = classifier.suggest("路灯坏了", "晚上很黑")
    assert s.uncertain and s.label is None and s.model_version == "none"
    assert ensure_default_model(tmp_path / "m", tmp_path / "no-dataset") is None


def test_suggest_reads_settings_model_dir(tmp_path, settings):
    train(TOY * 3, tmp_path)
    settings.GRIDGOV_MODEL_DIR = tmp_path
    s = classifier.suggest("路灯", "小区路灯坏了晚上一片漆黑")
    assert s.top[0][0] == "LIGHT" and s.model_version == current_model(tmp_path).version


def test_hand_rolled_vector_matches_sklearn_featurisation(tmp_path):
    # Guards the fast inference path against drifting from what the SVM was trained on:
    # stop-word deletion, the char block and the half-weighted head (title) block.
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from gridgov.intel import textnorm

    params = TrainParams()
    model, _ = classifier.fit(TOY * 3, params)
    assert model.stopwords and model.head_vocab
    pattern = textnorm.stopword_pattern(tuple(textnorm.read_stopwords()))
    docs = [textnorm.strip_stopwords(textnorm.normalize(t), pattern) for t, _ in TOY * 3]
    vec = TfidfVectorizer(analyzer=lambda s: textnorm.char_ngrams(s, 3), sublinear_tf=True)
    head = TfidfVectorizer(
        analyzer=lambda s: textnorm.char_ngrams(s[: params.head_chars], 3), sublinear_tf=True
    )
    X, H = vec.fit_transform(docs), head.fit_transform(docs)
    text = "我们小区的路灯坏了，路灯不亮！请尽快维修路灯，谢谢"
    doc = textnorm.strip_stopwords(textnorm.normalize(text), pattern)
    assert "的" not in doc and "我们" not in doc
    idx, val = model.vector(text)
    ref = np.concatenate(
        [vec.transform([doc]).toarray()[0], params.head_weight * head.transform([doc]).toarray()[0]]
    )
    mine = np.zeros(len(model.char_vocab) + len(model.head_vocab))
    inv = {i: t for t, i in model.char_vocab.items()}
    inv_head = {i + len(model.char_vocab): t for t, i in model.head_vocab.items()}
    for i, v in zip(idx, val, strict=True):
        i = int(i)
        j = vec.vocabulary_[inv[i]] if i in inv else len(vec.vocabulary_) + head.vocabulary_[inv_head[i]]
        mine[j] = v
    assert X.shape[1] == len(model.char_vocab) and H.shape[1] == len(model.head_vocab)
    assert np.allclose(mine, ref)


def test_saved_model_round_trips_stopwords_and_head_block(tmp_path):
    version_dir = train(TOY * 3, tmp_path)
    assert (version_dir / "stopwords.txt").is_file() and (version_dir / "vocab_head.txt").is_file()
    fresh, loaded = classifier.fit(TOY * 3)[0], classifier.Model.load(version_dir)
    text = "我家门口的路灯坏了不亮"
    assert loaded.stopwords == fresh.stopwords and loaded.head_chars == 20
    import numpy as np

    assert np.allclose(loaded.decision(text), fresh.decision(text), atol=1e-4)
    # Models written before stop words/head block existed still load and predict.
    old, _ = classifier.fit(TOY * 3, TrainParams(stopwords=False, head_chars=0))
    old_dir = classifier.save(
        old,
        tmp_path / "old",
        stats={"n": 24, "label_counts": {}, "n_features": 0, "oof_accuracy": float("nan"), "train_s": 0},
    )
    assert not (old_dir / "stopwords.txt").exists() and not (old_dir / "vocab_head.txt").exists()
    assert classifier.Model.load(old_dir).suggest(text).top[0][0] == "LIGHT"


def test_nbsvm_ratios_are_folded_into_the_coefficients():
    # The default model is a one-vs-rest NB-SVM whose log-count ratios live inside `coef`, so the
    # hand-rolled inference (vector @ coef) must equal scaling the features by r and applying
    # each class's binary SVM. The plain multiclass SVM stays available with nb_svm=False.
    import numpy as np
    import scipy.sparse as sp
    from sklearn.svm import LinearSVC

    records = TOY * 3
    model, _ = classifier.fit(records)
    assert model.meta["params"]["nb_svm"] is True
    rows = [model.vector(t) for t, _ in records]
    n = model.coef.shape[0]
    X = sp.csr_matrix(
        (
            np.concatenate([v for _, v in rows]),
            np.concatenate([i for i, _ in rows]),
            np.cumsum([0] + [len(i) for i, _ in rows]),
        ),
        shape=(len(rows), n),
    )
    y = np.array([model.labels.index(lab) for _, lab in records])
    text = "我家门口的路灯坏了不亮"
    idx, val = model.vector(text)
    x = np.zeros(n)
    x[idx] = val
    present = (X > 0).toarray()
    for k in range(len(model.labels)):
        p = 1.0 + present[y == k].sum(axis=0)
        q = 1.0 + present[y != k].sum(axis=0)
        r = np.log(p / p.sum()) - np.log(q / q.sum())
        svm = LinearSVC(C=1.0, class_weight="balanced", random_state=0).fit(X @ sp.diags(r), y == k)
        expected = (x * r) @ svm.coef_.ravel() + svm.intercept_[0]
        assert abs(model.decision(text)[k] - expected) < 1e-3
    plain, _ = classifier.fit(records, TrainParams(nb_svm=False))
    assert plain.suggest(text).top[0][0] == model.suggest(text).top[0][0] == "LIGHT"
