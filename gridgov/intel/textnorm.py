"""Text normalisation and feature extraction shared by training and inference.

The training file was segmented with jieba and had its stop words removed; residents' raw messages
have punctuation, stop words and full-width characters. Both sides go through `normalize` (NFKC,
lower case, drop whitespace/punctuation) so the segmented training text turns back into a run of
characters that looks like raw text, and then through the *same* feature functions. Training and
inference therefore can never disagree about what a feature is.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from gridgov.core.text import normalize  # noqa: F401 (the one normalisation, shared with cases)

# Excel exports of the message board carry literal "_x000D_" for carriage returns.

CHAR_NGRAM_MAX = 3
WORD_NGRAM_MAX = 2

# Stop words: the 2,000 most frequent words of jieba's own dictionary (shipped in the jieba wheel,
# a generic corpus) that never occur as a token in the segmented training file, plus single Latin
# letters (the training file has "市" where raw text has "A市"). Derived without looking at any
# raw/dev message; see docs/intel.md "Classifier experiments".
STOPWORDS_FILE = Path(__file__).resolve().parent / "data" / "stopwords.txt"

_jieba_lock = threading.Lock()
_jieba_ready = False


def read_stopwords(path: Path = STOPWORDS_FILE) -> list[str]:
    return [w for w in path.read_text(encoding="utf-8").split("\n") if w]


@lru_cache(maxsize=8)
def stopword_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """One alternation, longest word first, so "我们" goes before "我"."""
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w))))


def strip_stopwords(norm: str, pattern: re.Pattern[str] | None) -> str:
    """Delete stop words from already-normalised text (one regex pass, ~0.08 ms for a typical
    message; no segmentation). Applied identically to the training text and to raw messages."""
    return pattern.sub("", norm) if pattern is not None else norm


def char_ngrams(norm: str, n_max: int = CHAR_NGRAM_MAX) -> list[str]:
    """Character 1..n_max-grams of already-normalised text."""
    out: list[str] = list(norm)
    length = len(norm)
    for n in range(2, n_max + 1):
        out.extend(norm[i : i + n] for i in range(length - n + 1))
    return out


def _jieba():
    # jieba builds its prefix dictionary on first use (~0.7 s); do it once, thread-safely, and
    # silence its start-up chatter on stderr.
    global _jieba_ready
    import jieba

    if not _jieba_ready:
        with _jieba_lock:
            if not _jieba_ready:
                jieba.setLogLevel(60)
                jieba.initialize()
                _jieba_ready = True
    return jieba


def words(norm: str) -> list[str]:
    """jieba words of normalised text. HMM is off: it is 25% faster and new-word guessing adds
    little for a linear model that also sees character n-grams."""
    return [w for w in _jieba().lcut(norm, HMM=False) if w]


def word_ngrams(norm: str, n_max: int = WORD_NGRAM_MAX) -> list[str]:
    toks = words(norm)
    out = list(toks)
    for n in range(2, n_max + 1):
        out.extend(" ".join(toks[i : i + n]) for i in range(len(toks) - n + 1))
    return out


def iter_char_shingles(text: str, n: int = 2) -> Iterator[str]:
    """Character n-gram shingles of raw text, used by duplicate detection."""
    norm = normalize(text)
    if len(norm) < n:
        if norm:
            yield norm
        return
    for i in range(len(norm) - n + 1):
        yield norm[i : i + n]
