"""Deterministic synthetic corpora for the speed runs, generated from the real collections' text.

The default generator (:class:`TextModel`) is a word-bigram Markov chain trained on every
document of the four collections (lower-cased ``[a-z0-9]+`` words, stop words included), with a
cache: at each word, with probability ``repeat`` the next word is a copy of a word already used
in the same document (uniformly over its earlier words, so frequent ones are likelier), and
otherwise it follows the chain from the current word. The chain gives real word order, so
adjacent word pairs (the matcher's phrases) are pairs real text uses, in their real
proportions; the cache gives documents the burstiness of real text (a document repeats its own
topic words), which a plain chain lacks. ``repeat`` is set so that a generated 150-250-word
document has as many distinct content terms as a 150-250-word stretch of the real documents
(:func:`corpus_stats` measures both; the benchmark report prints them side by side).

Why not sample words independently (:func:`make_texts`, the generator used before)? Each word
pair is then a random draw, so a corpus has several times the distinct phrases real text has,
and each document has half as many repeated words again as real text does. It is kept as a
stress case.

Lengths are uniform in 150-250 words; a fixed seed makes every run produce the same texts.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import pairwise
from pathlib import Path

import numpy as np

__all__ = [
    "TextModel",
    "corpus_stats",
    "make_texts",
    "read_documents",
    "real_passages",
    "word_distribution",
]

_WORD = re.compile(r"[a-z0-9]+")
# probability of reusing one of the document's earlier words; see the module notes
REPEAT = 0.35


def read_documents(data_dir: Path) -> list[list[str]]:
    """The words of every document (title and text) of every ``docs.jsonl`` under ``data_dir``."""
    out = []
    for path in sorted(data_dir.glob("*/docs.jsonl")):
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                words = _WORD.findall(f"{row['title']} {row['text']}".lower())
                if words:
                    out.append(words)
    return out


class TextModel:
    """A word-bigram chain with a per-document cache, trained on tokenised documents.

    Examples
    --------
    >>> model = TextModel([["street", "lighting", "repair"], ["street", "lighting"]])
    >>> texts = model.generate(2, seed=1, lo=5, hi=6)
    >>> len(texts), all(5 <= len(t.split()) <= 6 for t in texts)
    (2, True)
    """

    def __init__(self, documents: Sequence[Sequence[str]]) -> None:
        vocab: dict[str, int] = {"": 0}  # 0 marks a document boundary
        seq = [0]
        for words in documents:
            for w in words:
                seq.append(vocab.setdefault(w, len(vocab)))
            seq.append(0)
        self.words = np.asarray(list(vocab), dtype=object)
        ids = np.asarray(seq, np.int64)
        size = len(vocab)
        pairs, counts = np.unique(ids[:-1] * size + ids[1:], return_counts=True)
        prev, self._next = pairs // size, pairs % size
        self._start = np.zeros(size + 1, np.int64)
        np.cumsum(np.bincount(prev, minlength=size), out=self._start[1:])
        total = np.bincount(prev, weights=counts, minlength=size)
        within = np.cumsum(counts) - np.repeat(np.cumsum(total) - total, np.diff(self._start))
        # row r's cumulative probabilities, shifted by r: one increasing array for all rows
        self._cum = prev + within / total[prev]

    def generate(
        self, n: int, seed: int, lo: int = 150, hi: int = 250, repeat: float = REPEAT
    ) -> list[str]:
        """``n`` texts of ``lo``..``hi`` words, deterministic for ``seed``."""
        rng = np.random.default_rng(seed)
        lengths = rng.integers(lo, hi + 1, size=n)
        steps = int(hi * 1.6) + 8  # room for the boundaries dropped below
        out = np.zeros((n, steps), np.int64)
        state = np.zeros(n, np.int64)
        rows = np.arange(n)
        for s in range(steps):
            j = np.searchsorted(self._cum, state + rng.random(n), side="right")
            nxt = self._next[np.minimum(j, self._start[state + 1] - 1)]
            if s > 0 and repeat > 0:
                copy = rng.random(n) < repeat
                earlier = out[rows, (rng.random(n) * s).astype(np.int64)]
                nxt = np.where(copy, earlier, nxt)
            out[:, s] = state = nxt
        texts = []
        for i, length in enumerate(lengths.tolist()):
            row = out[i][out[i] != 0][:length]
            if row.size < length:  # vanishingly rare: pad from the document's own start
                row = np.resize(row if row.size else np.array([1]), length)
            texts.append(" ".join(self.words[row]))
        return texts


def word_distribution(data_dir: Path) -> tuple[list[str], np.ndarray]:
    """Words of all ``docs.jsonl`` under ``data_dir`` and their probabilities, commonest first."""
    counts: Counter[str] = Counter()
    for words in read_documents(data_dir):
        counts.update(words)
    words, freq = zip(*counts.most_common(), strict=True)
    p = np.asarray(freq, dtype=np.float64)
    return list(words), p / p.sum()


def make_texts(
    words: list[str], p: np.ndarray, n: int, seed: int, lo: int = 150, hi: int = 250
) -> list[str]:
    """``n`` texts of ``lo``..``hi`` words sampled independently from ``p`` (the stress case)."""
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


def real_passages(documents: Sequence[Sequence[str]], seed: int = 0) -> list[str]:
    """Consecutive 150-250-word stretches of the real documents (in a shuffled order)."""
    rng = np.random.default_rng(seed)
    out = []
    for k in rng.permutation(len(documents)).tolist():
        words = documents[k]
        i = 0
        while i + 150 <= len(words):
            length = int(rng.integers(150, 251))
            out.append(" ".join(words[i : i + length]))
            i += length
    return out


def corpus_stats(
    texts: Sequence[str], term: Callable[[list[str]], list[str | None]]
) -> dict[str, float]:
    """What makes a corpus cheap or dear to index and search, measured with the matcher's own
    analyser (``term`` maps words to stems, None for stop words).

    ``terms_per_doc``: distinct stems per document (the row length); ``phrases_per_doc``:
    distinct adjacent stem pairs per document; ``distinct_phrases``: over the whole corpus;
    ``frequent_share``: the share of all postings that belong to stems found in more than 10 %
    of the documents (what a long query mostly pays for).
    """
    df: Counter[str] = Counter()
    phrases: set[tuple[str, str]] = set()
    n_terms = n_phrases = 0
    for text in texts:
        stems = term(text.split())
        own = {s for s in stems if s is not None}
        pairs = {(a, b) for a, b in pairwise(stems) if a and b}
        df.update(own)
        phrases |= pairs
        n_terms += len(own)
        n_phrases += len(pairs)
    n = max(len(texts), 1)
    counts = np.asarray(list(df.values()), np.float64)
    frequent = counts[counts > 0.1 * n].sum() / max(counts.sum(), 1.0)
    return {
        "docs": float(len(texts)),
        "terms_per_doc": n_terms / n,
        "phrases_per_doc": n_phrases / n,
        "distinct_phrases": float(len(phrases)),
        "frequent_share": float(frequent),
    }
