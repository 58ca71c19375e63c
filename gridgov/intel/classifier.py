"""Category suggestion for a new case (智能派单: classify).

Model: stop words deleted (a fixed list, `data/stopwords.txt`, one regex pass) on the training
text and on raw messages alike, then TF-IDF of character 1–3-grams (sublinear tf, l2-normalised),
plus a second, half-weighted block of character 1–3-grams of the first 20 characters (the title,
which both the segmented training text and `suggest(title, detail)` put first; optionally a block
of jieba word 1–2-grams) feeding a one-vs-rest NB-SVM (Wang & Manning 2012: per class, features
scaled by naive-Bayes log-count ratios, then a class-balanced binary linear SVM; the ratios are
folded into the stored coefficients, so a model is still one weight matrix). Margins are turned into
probabilities by a softmax with one temperature fitted on out-of-fold margins (3-fold CV on the
training set), which is what makes `confidence` calibrated rather than a raw score.

Inference is hand-rolled (dict look-ups + a small numpy product) rather than going through
sklearn's transform/predict, whose per-call overhead alone is several hundred microseconds.

Models live in versioned directories under a model root:
    <root>/<YYYYmmddTHHMMSSffffff>/{weights.npz, vocab_char.txt, vocab_word.txt, vocab_head.txt,
                                    stopwords.txt, meta.json}
A version is written to a hidden temporary directory and renamed into place, so a reader never
sees a half-written model. The newest version (lexicographic = chronological name) wins;
`current_model` notices a new one on the next call, so the running platform needs no restart.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path

import numpy as np

from gridgov.intel import textnorm
from gridgov.intel.corpus import file_sha256, load_records

logger = logging.getLogger("gridgov.intel")

FORMAT_VERSION = 1
UNCERTAIN_LABEL = "不确定"
DEFAULT_THRESHOLD = 0.6
NO_MODEL_VERSION = "none"
TRAIN_FILE = "citizen-messages-train.csv"


@dataclass(frozen=True)
class Suggestion:
    """A suggested category; `label` is None when confidence is below the model's threshold."""

    label: str | None
    confidence: float
    model_version: str
    uncertain: bool
    top: list[tuple[str, float]] = field(default_factory=list)

    @property
    def display_label(self) -> str:
        return self.label if self.label is not None else UNCERTAIN_LABEL


@dataclass
class TrainParams:
    # Chosen by 5-fold cross-validation on the training file, folds grouped by near-duplicates
    # (docs/intel.md "Classifier experiments"); not by the dev file.
    c: float = 1.0
    char_ngram_max: int = 3
    word_ngram_max: int = 2
    # Word features (jieba) add 0.1 pt out-of-fold accuracy but cost ~0.6 ms per message; off by
    # default so single-message latency stays well under 1 ms. See docs/intel.md.
    use_words: bool = False
    min_df: int = 3
    max_df: float = 0.9
    # Delete the shipped stop words (textnorm.STOPWORDS_FILE) before featurising, both sides.
    stopwords: bool = True
    # Extra char-n-gram block over the first `head_chars` characters (≈ the title), scaled by
    # `head_weight` after l2 normalisation; 0 turns it off.
    head_chars: int = 20
    head_weight: float = 0.5
    head_min_df: int = 2
    threshold: float = DEFAULT_THRESHOLD
    calibration_folds: int = 3
    seed: int = 0
    # NB-SVM (Wang & Manning 2012), one-vs-rest: for each class the TF-IDF features are scaled by
    # the log-count ratio r = log((α + positive doc counts)/|·|₁ ÷ (α + negative doc counts)/|·|₁)
    # before a binary class-balanced LinearSVC. The ratios are folded into the saved
    # coefficients (coef[:, k] = r_k ∘ w_k), so inference and the model format are unchanged.
    # +0.7 pt grouped-CV macro-F1 over the plain SVM; False = the earlier multiclass LinearSVC.
    nb_svm: bool = True
    nb_alpha: float = 1.0


class Model:
    """A loaded model version: vocabularies, idf, weights; `predict_proba` is single-message fast."""

    def __init__(
        self,
        *,
        labels: list[str],
        char_vocab: dict[str, int],
        word_vocab: dict[str, int],
        idf: np.ndarray,
        coef: np.ndarray,
        intercept: np.ndarray,
        temperature: float,
        meta: dict,
        path: Path | None = None,
        head_vocab: dict[str, int] | None = None,
        stopwords: Sequence[str] = (),
    ) -> None:
        self.labels = labels
        self.char_vocab = char_vocab
        self.word_vocab = word_vocab
        self.head_vocab = head_vocab or {}
        self.stopwords = list(stopwords)
        self.stop_pattern = textnorm.stopword_pattern(tuple(self.stopwords))
        self.n_char = len(char_vocab)
        self.n_word = len(word_vocab)
        self.idf = idf.astype(np.float64)
        self.coef = np.ascontiguousarray(coef, dtype=np.float64)  # (n_features, n_labels)
        self.intercept = intercept.astype(np.float64)
        self.temperature = float(temperature)
        self.meta = meta
        self.path = path
        params = meta.get("params", {})
        self.char_ngram_max = int(params.get("char_ngram_max", textnorm.CHAR_NGRAM_MAX))
        self.word_ngram_max = int(params.get("word_ngram_max", textnorm.WORD_NGRAM_MAX))
        self.use_words = bool(params.get("use_words", False))
        self.threshold = float(params.get("threshold", DEFAULT_THRESHOLD))
        self.head_chars = int(params.get("head_chars", 0)) if self.head_vocab else 0
        self.head_weight = float(params.get("head_weight", 1.0))

    @property
    def version(self) -> str:
        return str(self.meta.get("version", NO_MODEL_VERSION))

    def _block(self, terms: list[str], vocab: dict[str, int], offset: int) -> tuple[np.ndarray, np.ndarray]:
        # map(dict.get) with a default runs in C; counting via np.unique beats collections.Counter
        # for the ~1,000 terms of a typical message.
        ids = np.fromiter(map(vocab.get, terms, repeat(-1)), dtype=np.int64, count=len(terms))
        ids = ids[ids >= 0]
        if ids.size == 0:
            return ids, np.empty(0)
        uniq, counts = np.unique(ids, return_counts=True)
        return uniq + offset, 1.0 + np.log(counts)

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Sparse TF-IDF vector of one message as (indices, values), identical to training."""
        norm = textnorm.strip_stopwords(textnorm.normalize(text), self.stop_pattern)
        parts_idx: list[np.ndarray] = []
        parts_val: list[np.ndarray] = []
        blocks = [(textnorm.char_ngrams(norm, self.char_ngram_max), self.char_vocab, 0, 1.0)]
        if self.use_words:
            blocks.append(
                (textnorm.word_ngrams(norm, self.word_ngram_max), self.word_vocab, self.n_char, 1.0)
            )
        if self.head_chars:
            blocks.append(
                (
                    textnorm.char_ngrams(norm[: self.head_chars], self.char_ngram_max),
                    self.head_vocab,
                    self.n_char + self.n_word,
                    self.head_weight,
                )
            )
        for terms, vocab, offset, weight in blocks:
            ia, tf = self._block(terms, vocab, offset)
            if ia.size == 0:
                continue
            va = tf * self.idf[ia]
            length = float(np.sqrt(va @ va))
            if length > 0:
                va *= weight / length
            parts_idx.append(ia)
            parts_val.append(va)
        if not parts_idx:
            return np.empty(0, dtype=np.int64), np.empty(0)
        return np.concatenate(parts_idx), np.concatenate(parts_val)

    def decision(self, text: str) -> np.ndarray:
        idx, val = self.vector(text)
        if idx.size == 0:
            return self.intercept.copy()
        return val @ self.coef[idx] + self.intercept

    def predict_proba(self, text: str) -> np.ndarray:
        return _softmax(self.decision(text) / self.temperature)

    def suggest(self, text: str) -> Suggestion:
        if not textnorm.normalize(text):
            return Suggestion(None, 0.0, self.version, True, [])
        proba = self.predict_proba(text)
        order = np.argsort(-proba)
        top = [(self.labels[i], round(float(proba[i]), 4)) for i in order[:3]]
        best = float(proba[order[0]])
        uncertain = best < self.threshold
        return Suggestion(
            None if uncertain else self.labels[order[0]], round(best, 4), self.version, uncertain, top
        )

    @classmethod
    def load(cls, path: Path) -> Model:
        path = Path(path)
        meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"unsupported model format {meta.get('format')!r} in {path}")
        with np.load(path / "weights.npz", allow_pickle=False) as npz:
            idf, coef, intercept = npz["idf"], npz["coef"], npz["intercept"]
        char_vocab = _read_vocab(path / "vocab_char.txt")
        word_vocab = _read_vocab(path / "vocab_word.txt")
        head_path, stop_path = path / "vocab_head.txt", path / "stopwords.txt"
        head_vocab = _read_vocab(head_path) if head_path.is_file() else {}
        stopwords = textnorm.read_stopwords(stop_path) if stop_path.is_file() else []
        return cls(
            labels=list(meta["labels"]),
            char_vocab=char_vocab,
            word_vocab=word_vocab,
            idf=idf,
            coef=coef,
            intercept=intercept,
            temperature=float(meta["temperature"]),
            meta=meta,
            path=path,
            head_vocab=head_vocab,
            stopwords=stopwords,
        )


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max()
    e = np.exp(z)
    return e / e.sum()


def _read_vocab(path: Path) -> dict[str, int]:
    # Terms never contain a newline: normalisation strips all whitespace and word n-grams are
    # joined by a single space.
    text = path.read_text(encoding="utf-8")
    if not text:
        return {}
    return {term: i for i, term in enumerate(text.split("\n"))}


def _write_vocab(path: Path, vocab: dict[str, int]) -> None:
    terms = [""] * len(vocab)
    for term, i in vocab.items():
        terms[i] = term
    path.write_text("\n".join(terms), encoding="utf-8")


# --------------------------------------------------------------------------- training


def _fit_temperature(margins: np.ndarray, y: np.ndarray) -> float:
    """Temperature minimising the negative log-likelihood of out-of-fold margins."""
    from scipy.optimize import minimize_scalar

    def nll(log_t: float) -> float:
        z = margins / math.exp(log_t)
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-logp[np.arange(len(y)), y].mean())

    res = minimize_scalar(nll, bounds=(math.log(0.01), math.log(10.0)), method="bounded")
    return float(math.exp(res.x))


def _fit_nbsvm(
    X, y: np.ndarray, n_labels: int, params: TrainParams, n_jobs: int
) -> tuple[np.ndarray, np.ndarray]:
    """One-vs-rest NB-SVM on sparse TF-IDF rows `X`; returns (coef (n_features, n_labels),
    intercept) with the log-count ratios already multiplied into the coefficients."""
    import scipy.sparse as sp
    from joblib import Parallel, delayed

    present = (X > 0).astype(np.float64).tocsr()  # binarised document counts for the ratios
    pos_counts = np.zeros((n_labels, X.shape[1]))
    for k in range(n_labels):
        pos_counts[k] = np.asarray(present[y == k].sum(axis=0)).ravel()
    total = pos_counts.sum(axis=0)

    def one(k: int) -> tuple[np.ndarray, float]:
        from sklearn.svm import LinearSVC

        p = params.nb_alpha + pos_counts[k]
        q = params.nb_alpha + (total - pos_counts[k])
        r = np.log(p / p.sum()) - np.log(q / q.sum())
        svm = LinearSVC(C=params.c, class_weight="balanced", random_state=params.seed)
        svm.fit(X @ sp.diags(r), (y == k).astype(np.int64))
        return r * svm.coef_.ravel(), float(svm.intercept_[0])

    parts = Parallel(n_jobs=n_jobs, prefer="threads")(delayed(one)(k) for k in range(n_labels))
    coef = np.column_stack([c for c, _ in parts])
    intercept = np.array([b for _, b in parts])
    return coef, intercept


def fit(
    records: Iterable[tuple[str, str]],
    params: TrainParams | None = None,
) -> tuple[Model, dict]:
    """Fit a model in memory; returns the model and training statistics (no files written)."""
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.svm import LinearSVC

    params = params or TrainParams()
    started = time.perf_counter()
    texts: list[str] = []
    labels_raw: list[str] = []
    for text, label in records:
        norm = textnorm.normalize(text)
        label = str(label).strip()
        if norm and label:
            texts.append(norm)
            labels_raw.append(label)
    stopwords = textnorm.read_stopwords() if params.stopwords else []
    stop_pattern = textnorm.stopword_pattern(tuple(stopwords))
    texts = [textnorm.strip_stopwords(t, stop_pattern) for t in texts]
    labels = sorted(set(labels_raw))
    if len(labels) < 2:
        raise ValueError("训练数据至少需要两个类别")
    label_index = {lab: i for i, lab in enumerate(labels)}
    y = np.array([label_index[lab] for lab in labels_raw])

    # With tiny data sets (e.g. a new catalogue) min_df would wipe out the vocabulary.
    min_df = params.min_df if len(texts) >= 1000 else 1
    max_df = params.max_df if len(texts) >= 50 else 1.0
    cvec = TfidfVectorizer(
        analyzer=lambda s: textnorm.char_ngrams(s, params.char_ngram_max),
        sublinear_tf=True,
        min_df=min_df,
        max_df=max_df,
        dtype=np.float64,
    )
    blocks = [cvec.fit_transform(texts)]
    wvec = None
    if params.use_words:
        wvec = TfidfVectorizer(
            analyzer=lambda s: textnorm.word_ngrams(s, params.word_ngram_max),
            sublinear_tf=True,
            min_df=min_df,
            max_df=max_df,
            dtype=np.float64,
        )
        blocks.append(wvec.fit_transform(texts))
    hvec = None
    if params.head_chars > 0:
        hvec = TfidfVectorizer(
            analyzer=lambda s: textnorm.char_ngrams(s[: params.head_chars], params.char_ngram_max),
            sublinear_tf=True,
            min_df=params.head_min_df if len(texts) >= 1000 else 1,
            max_df=max_df,
            dtype=np.float64,
        )
        blocks.append(hvec.fit_transform(texts) * params.head_weight)
    X = sp.hstack(blocks).tocsr()
    featurize_s = time.perf_counter() - started

    n_jobs = min(2, os.cpu_count() or 1)
    # Out-of-fold margins give the temperature an honest view of how sure the model should be.
    min_class = int(np.bincount(y).min())
    folds = min(params.calibration_folds, min_class)
    # Below ~200 rows the out-of-fold margins are often perfectly separated and the fitted
    # temperature collapses, making every answer "100% sure"; keep the raw softmax instead.
    calibrated = folds >= 2 and len(texts) >= 200
    if params.nb_svm:
        if calibrated:
            cv = StratifiedKFold(folds, shuffle=True, random_state=params.seed)
            margins = np.zeros((len(y), len(labels)))
            for tr_idx, te_idx in cv.split(X, y):
                c_f, b_f = _fit_nbsvm(X[tr_idx], y[tr_idx], len(labels), params, n_jobs)
                margins[te_idx] = X[te_idx] @ c_f + b_f
        coef, intercept = _fit_nbsvm(X, y, len(labels), params, n_jobs)
    else:
        svm = LinearSVC(C=params.c, class_weight="balanced", random_state=params.seed)
        if calibrated:
            cv = StratifiedKFold(folds, shuffle=True, random_state=params.seed)
            margins = cross_val_predict(svm, X, y, cv=cv, method="decision_function", n_jobs=n_jobs)
            if margins.ndim == 1:  # binary: sklearn returns one column (positive class margin)
                margins = np.column_stack([-margins / 2, margins / 2])
        svm.fit(X, y)
        coef = svm.coef_.T
        intercept = svm.intercept_
        if len(labels) == 2:
            coef = np.column_stack([-coef[:, 0] / 2, coef[:, 0] / 2])
            intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    if calibrated:
        temperature = _fit_temperature(margins, y)
        oof_accuracy = float((margins.argmax(axis=1) == y).mean())
    else:
        temperature, oof_accuracy = 1.0, float("nan")

    char_vocab = {t: int(i) for t, i in cvec.vocabulary_.items()}
    word_vocab = {t: int(i) for t, i in wvec.vocabulary_.items()} if wvec is not None else {}
    head_vocab = {t: int(i) for t, i in hvec.vocabulary_.items()} if hvec is not None else {}
    idf = np.concatenate(
        [cvec.idf_] + ([wvec.idf_] if wvec is not None else []) + ([hvec.idf_] if hvec is not None else [])
    )
    stats = {
        "n": len(texts),
        "labels": labels,
        "label_counts": {
            lab: int(c) for lab, c in zip(labels, np.bincount(y, minlength=len(labels)), strict=True)
        },
        "n_features": int(X.shape[1]),
        "temperature": temperature,
        "oof_accuracy": oof_accuracy,
        "featurize_s": round(featurize_s, 2),
        "train_s": round(time.perf_counter() - started, 2),
    }
    meta = {
        "format": FORMAT_VERSION,
        "labels": labels,
        "temperature": temperature,
        "calibrated": bool(folds >= 2 and len(texts) >= 200),
        "params": {k: v for k, v in params.__dict__.items()} | {"min_df_used": min_df, "max_df_used": max_df},
    }
    model = Model(
        labels=labels,
        char_vocab=char_vocab,
        word_vocab=word_vocab,
        idf=idf,
        coef=coef.astype(np.float32),
        intercept=intercept,
        temperature=temperature,
        meta=meta,
        head_vocab=head_vocab,
        stopwords=stopwords,
    )
    return model, stats


def _new_version_name(model_root: Path) -> str:
    name = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    # Two trainings in the same microsecond are unlikely but must still sort after the older one.
    while (model_root / name).exists():
        name = name + "1"
    return name


def save(model: Model, model_root: Path, *, stats: dict, data_files: Sequence[Path] = ()) -> Path:
    """Write `model` as a new version directory under `model_root`; returns the version directory."""
    model_root = Path(model_root)
    model_root.mkdir(parents=True, exist_ok=True)
    version = _new_version_name(model_root)
    meta = dict(model.meta)
    meta.update(
        {
            "version": version,
            "trained_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "data_files": [{"path": str(p), "sha256": file_sha256(Path(p))} for p in data_files],
            "n": stats["n"],
            "label_counts": stats["label_counts"],
            "n_features": stats["n_features"],
            "oof_accuracy": stats["oof_accuracy"],
            "train_seconds": stats["train_s"],
            "algorithm": (
                "stop words deleted; tfidf(char 1-3 [+ jieba word 1-2] + 0.5 x char 1-3 of first 20 chars, "
                "sublinear) + "
                + (
                    "one-vs-rest NB-SVM (log-count ratios, LinearSVC balanced)"
                    if meta.get("params", {}).get("nb_svm")
                    else "LinearSVC(balanced)"
                )
                + " + softmax temperature"
            ),
        }
    )
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=model_root))
    try:
        np.savez(
            tmp / "weights.npz", idf=model.idf, coef=model.coef.astype(np.float32), intercept=model.intercept
        )
        _write_vocab(tmp / "vocab_char.txt", model.char_vocab)
        _write_vocab(tmp / "vocab_word.txt", model.word_vocab)
        if model.head_vocab:
            _write_vocab(tmp / "vocab_head.txt", model.head_vocab)
        if model.stopwords:
            (tmp / "stopwords.txt").write_text("\n".join(model.stopwords) + "\n", encoding="utf-8")
        # meta.json last: its presence marks a complete version.
        (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
        os.rename(tmp, model_root / version)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    model.meta = meta
    model.path = model_root / version
    return model_root / version


def train(
    records: Iterable[tuple[str, str]],
    model_root: str | Path,
    *,
    params: TrainParams | None = None,
    data_files: Sequence[str | Path] = (),
) -> Path:
    """Train on (text, label) pairs — any string labels, e.g. catalogue codes from closed cases —
    and write a new version directory under `model_root`. Returns that directory."""
    model, stats = fit(records, params)
    return save(model, Path(model_root), stats=stats, data_files=[Path(p) for p in data_files])


def train_files(
    paths: Sequence[str | Path], model_root: str | Path, *, params: TrainParams | None = None
) -> Path:
    """Train from one or more CSV/xlsx files (see gridgov.intel.corpus for accepted columns)."""
    records: list[tuple[str, str]] = []
    for p in paths:
        records.extend(load_records(p))
    return train(records, model_root, params=params, data_files=paths)


# --------------------------------------------------------------------------- serving


def latest_version_dir(model_root: str | Path) -> Path | None:
    """Newest complete version directory under `model_root`, or None."""
    root = Path(model_root)
    if (root / "meta.json").is_file():  # a version directory was passed directly
        return root
    try:
        entries = [e for e in os.scandir(root) if e.is_dir() and not e.name.startswith(".")]
    except (FileNotFoundError, NotADirectoryError):
        return None
    complete = [e.name for e in entries if os.path.isfile(os.path.join(e.path, "meta.json"))]
    return root / max(complete) if complete else None


_cache_lock = threading.Lock()
_cache: dict[Path, tuple[tuple[str, float], Model]] = {}


def current_model(model_root: str | Path) -> Model | None:
    """The newest model under `model_root`, cached; reloads when a newer version appears.

    The cache key is (newest version name, its meta.json mtime), so replacing a version in place
    is noticed too. One directory scan per call (~10 µs) is the price of no restart.
    """
    root = Path(model_root)
    newest = latest_version_dir(root)
    if newest is None:
        return None
    try:
        key = (newest.name, (newest / "meta.json").stat().st_mtime)
    except FileNotFoundError:  # removed between scan and stat
        return None
    cached = _cache.get(root)
    if cached is not None and cached[0] == key:
        return cached[1]
    with _cache_lock:
        cached = _cache.get(root)
        if cached is not None and cached[0] == key:
            return cached[1]
        try:
            model = Model.load(newest)
        except Exception:
            logger.exception("could not load model %s; keeping the previous one", newest)
            return cached[1] if cached else None
        _cache[root] = (key, model)
        return model


def default_datasets_dir() -> Path:
    """`../shared/datasets` relative to the repository root (overridable via settings/env)."""
    env = os.environ.get("GRIDGOV_DATASETS_DIR")
    if env:
        return Path(env)
    try:
        from django.conf import settings

        configured = getattr(settings, "GRIDGOV_DATASETS_DIR", None)
        if configured:
            return Path(configured)
    except Exception:  # settings not configured: library use outside Django
        pass
    repo_root = Path(__file__).resolve().parents[2]
    return repo_root.parent / "shared" / "datasets"


def ensure_default_model(model_root: str | Path, datasets_dir: str | Path | None = None) -> Path | None:
    """Make sure a model exists: train from the shared dataset if the root has none.

    Returns the version directory, or None when there is no model and no dataset to train from.
    """
    existing = latest_version_dir(model_root)
    if existing is not None:
        return existing
    data = Path(datasets_dir) if datasets_dir is not None else default_datasets_dir()
    train_file = data / TRAIN_FILE
    if not train_file.is_file():
        logger.warning("no classifier model under %s and no dataset at %s", model_root, train_file)
        return None
    return train_files([train_file], model_root)


def suggest(title: str, detail: str) -> Suggestion:
    """Suggest a category for a case, using the newest model under settings.GRIDGOV_MODEL_DIR.

    Never raises: without a usable model the answer is uncertain with model_version "none".
    """
    try:
        from django.conf import settings

        model = current_model(Path(settings.GRIDGOV_MODEL_DIR))
        if model is None:
            return Suggestion(None, 0.0, NO_MODEL_VERSION, True, [])
        return model.suggest(f"{title or ''} {detail or ''}")
    except Exception:
        logger.exception("category suggestion failed")
        return Suggestion(None, 0.0, NO_MODEL_VERSION, True, [])
