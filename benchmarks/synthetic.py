"""Deterministic synthetic corpora for speed runs, built from the words of the real collections.

Every word (``[a-z]+`` after lower-casing) of every document in the data folder is counted;
documents and queries are then sampled word by word from that empirical distribution, which
is Zipf-like, as natural text is: a few very frequent words ("the", "of", "and") and a long
tail of rare technical ones. Lengths are uniform in 150-250 words. A fixed seed makes every run
produce the same texts.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import numpy as np

__all__ = ["make_texts", "word_distribution"]

_WORD = re.compile(r"[a-z]+")


def word_distribution(data_dir: Path) -> tuple[list[str], np.ndarray]:
    """Words of all ``docs.jsonl`` under ``data_dir`` and their probabilities, commonest first."""
    counts: Counter[str] = Counter()
    for path in sorted(data_dir.glob("*/docs.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                counts.update(_WORD.findall(f"{row['title']} {row['text']}".lower()))
    words, freq = zip(*counts.most_common(), strict=True)
    p = np.asarray(freq, dtype=np.float64)
    return list(words), p / p.sum()


def make_texts(
    words: list[str], p: np.ndarray, n: int, seed: int, lo: int = 150, hi: int = 250
) -> list[str]:
    """``n`` texts of ``lo``..``hi`` words sampled from ``p``, deterministic for ``seed``."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(lo, hi + 1, size=n)
    flat = rng.choice(len(words), size=int(lengths.sum()), p=p)
    vocab = np.asarray(words, dtype=object)
    out = []
    start = 0
    for length in lengths.tolist():
        out.append(" ".join(vocab[flat[start : start + length]]))
        start += length
    return out
