"""Ranking quality metrics: nDCG@k (graded), average precision, recall and reciprocal rank.

Conventions, shared by every function here and by ``python -m matching evaluate``:

* ``ranking`` is the system's list of document ids, best first; duplicates are ignored after
  their first appearance.
* ``qrels`` maps document id to a judged relevance grade (an int). A grade above 0 counts as
  relevant; 0 means judged non-relevant; unjudged documents count as non-relevant.
* nDCG uses the grade itself as the gain (linear gain, as trec_eval does) and a
  ``1 / log2(rank + 1)`` discount; the ideal ranking is built from every judged document.
* Average precision at k divides by the number of relevant documents, capped at k, so a
  perfect top-k list scores 1.
* A query with no relevant document scores 0 on every metric (the caller decides whether to
  include such queries; the evaluation CLI skips them and says how many it kept).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

__all__ = ["average_precision", "ndcg", "recall", "reciprocal_rank"]


def _dedup(ranking: Sequence[str], k: int) -> list[str]:
    seen: set[str] = set()
    top: list[str] = []
    for doc_id in ranking:
        if doc_id not in seen:
            seen.add(doc_id)
            top.append(doc_id)
            if len(top) == k:
                break
    return top


def ndcg(ranking: Sequence[str], qrels: Mapping[str, int], k: int = 10) -> float:
    """Normalised discounted cumulative gain of the top ``k`` with graded (linear) gain.

    Examples
    --------
    >>> round(ndcg(["a", "b"], {"a": 1, "b": 2}, k=2), 4)
    0.8597
    """
    gains = sorted((g for g in qrels.values() if g > 0), reverse=True)[:k]
    ideal = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    if ideal == 0.0:
        return 0.0
    got = sum(max(qrels.get(d, 0), 0) / math.log2(i + 2) for i, d in enumerate(_dedup(ranking, k)))
    return got / ideal


def average_precision(ranking: Sequence[str], qrels: Mapping[str, int], k: int = 100) -> float:
    """Average precision of the top ``k``, normalised by ``min(#relevant, k)``.

    Examples
    --------
    >>> average_precision(["a", "x", "b"], {"a": 1, "b": 1}, k=100)  # (1/1 + 2/3) / 2
    0.8333333333333333
    """
    n_relevant = sum(1 for g in qrels.values() if g > 0)
    if n_relevant == 0:
        return 0.0
    hits = 0
    total = 0.0
    for i, d in enumerate(_dedup(ranking, k)):
        if qrels.get(d, 0) > 0:
            hits += 1
            total += hits / (i + 1)
    return total / min(n_relevant, k)


def recall(ranking: Sequence[str], qrels: Mapping[str, int], k: int = 100) -> float:
    """Share of the relevant documents found in the top ``k``.

    Examples
    --------
    >>> recall(["a", "x"], {"a": 1, "b": 3, "c": 0}, k=100)
    0.5
    """
    relevant = {d for d, g in qrels.items() if g > 0}
    if not relevant:
        return 0.0
    return len(relevant.intersection(_dedup(ranking, k))) / len(relevant)


def reciprocal_rank(ranking: Sequence[str], qrels: Mapping[str, int], k: int = 10) -> float:
    """One over the rank of the first relevant document in the top ``k`` (0 if none).

    Examples
    --------
    >>> reciprocal_rank(["x", "y", "a"], {"a": 2}, k=10)
    0.3333333333333333
    """
    for i, d in enumerate(_dedup(ranking, k)):
        if qrels.get(d, 0) > 0:
            return 1.0 / (i + 1)
    return 0.0
