"""Evaluate a matcher on a labelled collection: ``python -m matching evaluate DATA_DIR``.

A collection is a folder with ``queries.jsonl`` and ``docs.jsonl`` (one ``{"id", "title",
"text"}`` object per line) and ``qrels.tsv`` (header ``query_id<TAB>doc_id<TAB>relevance``).
Every document is indexed as a :class:`~matching.Document` with its title and text; every
query with a positive judgement is ranked against them (top 100) and scored with the metrics in
:mod:`matching.metrics`. The result keys are :data:`METRIC_KEYS` plus ``"queries"``, the number
of queries scored.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from matching.matcher import TfidfMatcher
from matching.metrics import average_precision, ndcg, recall, reciprocal_rank
from matching.types import Document

__all__ = ["METRIC_KEYS", "Collection", "evaluate", "load_collection", "main", "score_rankings"]

METRIC_KEYS = ("ndcg@10", "map@100", "recall@100", "mrr@10")


@dataclass(frozen=True, slots=True)
class Collection:
    """Queries, documents and graded judgements of one test collection."""

    queries: list[Document]
    docs: list[Document]
    qrels: dict[str, dict[str, int]]


def _read_jsonl(path: Path) -> list[Document]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                out.append(Document(str(row["id"]), row.get("title") or "", row.get("text") or ""))
    return out


def load_collection(folder: str | Path) -> Collection:
    """Read ``queries.jsonl``, ``docs.jsonl`` and ``qrels.tsv`` from ``folder``."""
    root = Path(folder)
    qrels: dict[str, dict[str, int]] = {}
    with (root / "qrels.tsv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            qrels.setdefault(row["query_id"], {})[row["doc_id"]] = int(row["relevance"])
    return Collection(_read_jsonl(root / "queries.jsonl"), _read_jsonl(root / "docs.jsonl"), qrels)


def score_rankings(
    rankings: dict[str, list[str]], qrels: dict[str, dict[str, int]]
) -> dict[str, float]:
    """Mean metrics over the queries of ``rankings`` that have a relevant document.

    Examples
    --------
    >>> score_rankings({"q": ["a", "b"]}, {"q": {"b": 1}})
    {'ndcg@10': 0.6309297535714575, 'map@100': 0.5, 'recall@100': 1.0, 'mrr@10': 0.5, 'queries': 1}
    """
    totals = dict.fromkeys(METRIC_KEYS, 0.0)
    n = 0
    for qid, ranking in rankings.items():
        judged = qrels.get(qid, {})
        if not any(g > 0 for g in judged.values()):
            continue
        n += 1
        totals["ndcg@10"] += ndcg(ranking, judged, 10)
        totals["map@100"] += average_precision(ranking, judged, 100)
        totals["recall@100"] += recall(ranking, judged, 100)
        totals["mrr@10"] += reciprocal_rank(ranking, judged, 10)
    result: dict[str, float] = {key: (v / n if n else 0.0) for key, v in totals.items()}
    result["queries"] = n
    return result


def evaluate(matcher: TfidfMatcher, collection: Collection) -> dict[str, float]:
    """Fit ``matcher`` on the collection's documents and score its top-100 rankings."""
    matcher.fit(collection.docs)
    queries = [
        q for q in collection.queries if any(g > 0 for g in collection.qrels.get(q.id, {}).values())
    ]
    ranked = matcher.rank_many(queries, k=100, explain=False)
    rankings = {q.id: [m.doc_id for m in r] for q, r in zip(queries, ranked, strict=True)}
    return score_rankings(rankings, collection.qrels)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the process exit status."""
    parser = argparse.ArgumentParser(prog="python -m matching", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ev = sub.add_parser("evaluate", help="score the default matcher on a labelled collection")
    ev.add_argument("data_dir", type=Path, help="folder with queries.jsonl, docs.jsonl, qrels.tsv")
    ev.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    for name in ("queries.jsonl", "docs.jsonl", "qrels.tsv"):
        if not (args.data_dir / name).is_file():
            parser.error(f"{args.data_dir / name} not found")
    result = evaluate(TfidfMatcher(), load_collection(args.data_dir))
    if args.json:
        print(json.dumps(result))
    else:
        for key in (*METRIC_KEYS, "queries"):
            value = result[key]
            print(f"{key:<12}{value:.4f}" if key != "queries" else f"{key:<12}{int(value)}")
    return 0
