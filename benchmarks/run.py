"""Benchmarks of the matcher against bm25s and scikit-learn, written to docs/benchmarks.md.

Run from the project root::

    python -m benchmarks.run                 # quality on every collection, speed at 10k and 100k
    python -m benchmarks.run --quick         # speed at 2k and 10k only
    python -m benchmarks.run --data DIR --out FILE

Every peer is measured in the same process and the same run, BLAS pinned to one thread, on the
same texts; the tables give our figure, the peer's and the ratio. Query timings run each system
over all the queries in turn, in rounds whose order rotates, so a change in machine load during
the run hits them alike; the spread of the per-round ratios is reported beside the median.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import gc  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Callable  # noqa: E402
from importlib.metadata import version  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402

from benchmarks.machine import cpu_model  # noqa: E402
from benchmarks.synthetic import (  # noqa: E402
    TextModel,
    corpus_stats,
    make_texts,
    read_documents,
    real_passages,
    word_distribution,
)
from matching import Document, TfidfMatcher  # noqa: E402
from matching._grow import GrowableArray  # noqa: E402
from matching.evaluate import METRIC_KEYS, evaluate, load_collection, score_rankings  # noqa: E402
from matching.text import Analyzer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
COLLECTIONS = ("cranfield", "reviewer_paper_goldstandard", "scifact", "sbir_topics")
START, END = "<!-- results:start -->", "<!-- results:end -->"
CORPORA = {
    "markov": "word-bigram chain with a per-document cache, trained on the collections",
    "iid": "words drawn independently from the collections' word frequencies (stress case)",
}

# Which of the matcher's attributes make up each part of the index, for the memory breakdown.
MEMORY_PARTS = {
    "document rows (term counts and word types)": (
        "_main",
        "_d_indptr",
        "_d_terms",
        "_d_tf",
        "_d_tindptr",
        "_d_types",
    ),
    "inverted postings": ("_index", "_delta"),
    "per-term arrays": ("_df_live", "_idf_doc", "_bi_keys", "_firsts", "_xa", "_xb", "_bi_extra"),
    "vocabulary (word types, stems)": (
        "_types",
        "_type_id",
        "_type_term",
        "_stems",
        "_term_id",
        "_analyzer",
    ),
    "per-document arrays and ids": ("_ids", "_slot", "_live", "_dl", "_norm"),
}


def _bm25s() -> Any:
    import bm25s

    return bm25s


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    k = min(k, scores.size)
    top = np.argpartition(-scores, k - 1)[:k]
    return top[np.argsort(-scores[top], kind="stable")]


# ---------------------------------------------------------------- quality


def quality(data: Path) -> list[dict[str, Any]]:
    bm25s = _bm25s()
    rows = []
    for name in COLLECTIONS:
        folder = data / name
        if not (folder / "qrels.tsv").is_file():
            print(f"skipping {name}: not found in {data}", file=sys.stderr)
            continue
        col = load_collection(folder)
        ours = evaluate(TfidfMatcher(), col)
        queries = [q for q in col.queries if any(g > 0 for g in col.qrels.get(q.id, {}).values())]
        doc_texts = [f"{d.title} {d.text}" for d in col.docs]
        q_texts = [f"{q.title} {q.text}" for q in queries]
        doc_ids = np.asarray([d.id for d in col.docs])

        # bm25s defaults (method "lucene", k1=1.5, b=0.75), English stop words, no stemmer
        retriever = bm25s.BM25()
        retriever.index(
            bm25s.tokenize(doc_texts, stopwords="en", show_progress=False), show_progress=False
        )
        q_tok = bm25s.tokenize(q_texts, stopwords="en", show_progress=False, return_ids=False)
        bm = {}
        for q, toks in zip(queries, q_tok, strict=True):
            scores = retriever.get_scores(toks)
            bm[q.id] = doc_ids[_top(scores, 100)].tolist()

        def sklearn_run(
            vec: TfidfVectorizer,
            doc_texts: list[str] = doc_texts,
            q_texts: list[str] = q_texts,
            doc_ids: np.ndarray = doc_ids,
            queries: list[Document] = queries,
        ) -> dict[str, list[str]]:
            x = vec.fit_transform(doc_texts)
            s = (vec.transform(q_texts) @ x.T).toarray()
            return {q.id: doc_ids[_top(s[i], 100)].tolist() for i, q in enumerate(queries)}

        plain = sklearn_run(TfidfVectorizer())
        tuned = sklearn_run(
            TfidfVectorizer(sublinear_tf=True, stop_words="english", ngram_range=(1, 2))
        )
        rows.append(
            {
                "name": name,
                "ours": ours,
                "bm25s": score_rankings(bm, col.qrels),
                "tfidf": score_rankings(plain, col.qrels),
                "tfidf_tuned": score_rankings(tuned, col.qrels),
            }
        )
        r = rows[-1]
        print(
            f"{name:<30} nDCG@10 ours {ours['ndcg@10']:.4f}  bm25s {r['bm25s']['ndcg@10']:.4f}"
            f"  tfidf {r['tfidf']['ndcg@10']:.4f}  tuned {r['tfidf_tuned']['ndcg@10']:.4f}",
            flush=True,
        )
    return rows


# ---------------------------------------------------------------- corpora


class Corpora:
    """The texts of every speed run, generated once per process from the collections."""

    def __init__(self, data: Path) -> None:
        self.documents = read_documents(data)
        self.model = TextModel(self.documents)
        self.words, self.p = word_distribution(data)

    def texts(self, corpus: str, n: int, seed: int) -> list[str]:
        if corpus == "markov":
            return self.model.generate(n, seed=seed)
        return make_texts(self.words, self.p, n, seed=seed)

    def stats(self, n: int = 5_000) -> dict[str, dict[str, float]]:
        term = Analyzer().terms
        return {
            "real": corpus_stats(real_passages(self.documents)[:n], term),
            "markov": corpus_stats(self.texts("markov", n, seed=7), term),
            "iid": corpus_stats(self.texts("iid", n, seed=7), term),
        }


# ---------------------------------------------------------------- speed


def _timed(fn: Callable[[], object]) -> tuple[float, Any]:
    gc.collect()
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def index_bytes(obj: Any, seen: set[int] | None = None) -> int:
    """Bytes held by ``obj``: numpy buffers (a view counts its whole base buffer, once),
    Python containers, strings and numbers, and the attributes and slots of other objects."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        # a view holds its whole base buffer alive: count the buffer, once
        while isinstance(obj.base, np.ndarray):
            obj = obj.base
            if id(obj) in seen:
                return 0
            seen.add(id(obj))
        return int(obj.nbytes)
    if isinstance(obj, GrowableArray):
        return index_bytes(obj._buf, seen)
    if isinstance(obj, dict):
        return sys.getsizeof(obj) + sum(
            index_bytes(k, seen) + index_bytes(v, seen) for k, v in obj.items()
        )
    if isinstance(obj, list | tuple | set | frozenset):
        return sys.getsizeof(obj) + sum(index_bytes(v, seen) for v in obj)
    if isinstance(obj, str | int | float | bool) or obj is None:
        return sys.getsizeof(obj)
    size = sys.getsizeof(obj)
    if hasattr(obj, "__dict__"):
        size += index_bytes(vars(obj), seen)
    for cls in type(obj).__mro__:
        for name in getattr(cls, "__slots__", ()):
            if hasattr(obj, name):
                size += index_bytes(getattr(obj, name), seen)
    return size


def memory_parts(m: TfidfMatcher) -> dict[str, int]:
    """``index_bytes`` of the matcher split by part; every attribute is counted exactly once."""
    seen: set[int] = set()
    state = vars(m)
    out = {}
    for part, names in MEMORY_PARTS.items():
        out[part] = sum(index_bytes(state[name], seen) for name in names if name in state)
    out["everything else"] = index_bytes(m, seen)
    return out


def csr_bytes(x: sp.csr_matrix) -> int:
    return int(x.data.nbytes + x.indices.nbytes + x.indptr.nbytes)


def traced_fit_bytes(docs: list[Document]) -> int:
    """Heap still held after a fit, by everything the fit allocated (tracemalloc's count)."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    m = TfidfMatcher().fit(docs)
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    del m
    return held


def _median(values: list[float]) -> float:
    return statistics.median(values)


def speed(
    corpora: Corpora, corpus: str, n_docs: int, n_queries: int, repeats: int, rounds: int
) -> dict[str, Any]:
    bm25s = _bm25s()
    texts = corpora.texts(corpus, n_docs, seed=n_docs)
    queries = corpora.texts(corpus, n_queries, seed=n_docs + 1)
    extra = corpora.texts(corpus, 50, seed=n_docs + 2)
    docs = [Document(f"d{i}", "", t) for i, t in enumerate(texts)]
    r: dict[str, Any] = {"corpus": corpus, "n_docs": n_docs, "n_queries": n_queries}

    # fit: the systems take turns, median over the repeats
    fits: dict[str, list[float]] = {"ours": [], "sklearn": [], "bm25s": []}
    m: Any = None
    vec: Any = None
    x: Any = None
    retriever: Any = None
    for _ in range(repeats):
        m = vec = x = retriever = None
        t, m = _timed(lambda: TfidfMatcher().fit(docs))
        fits["ours"].append(t)
        vec = TfidfVectorizer()
        t, x = _timed(lambda vec=vec: vec.fit_transform(texts))
        fits["sklearn"].append(t)
        retriever = bm25s.BM25()
        t, _ = _timed(
            lambda retriever=retriever: retriever.index(
                bm25s.tokenize(texts, stopwords="en", show_progress=False), show_progress=False
            )
        )
        fits["bm25s"].append(t)
    for name, values in fits.items():
        r[f"fit_{name}_s"] = _median(values)
    print(
        f"  fit (median of {repeats}): ours {r['fit_ours_s']:.1f}s sklearn "
        f"{r['fit_sklearn_s']:.1f}s bm25s {r['fit_bm25s_s']:.1f}s",
        flush=True,
    )

    r["mem_ours_bytes"] = index_bytes(m)
    r["mem_parts"] = memory_parts(m)
    r["mem_sklearn_matrix_bytes"] = csr_bytes(x)
    r["nnz_ours"], r["nnz_sklearn"] = int(m._main.terms.size), int(x.nnz)
    r["terms_ours"], r["terms_sklearn"] = len(m._df_live), len(vec.vocabulary_)
    r["mem_traced_bytes"] = traced_fit_bytes(docs)

    # one query at a time, as a service would see them: every system runs all the queries in a
    # block, and the blocks take turns over several rounds so that load changes hit all alike
    xt = x.tocsr()

    def ours(q: str) -> object:
        return m.rank(q, k=10)

    def ours_bare(q: str) -> object:
        return m.rank(q, k=10, explain=False)

    def bm(q: str) -> object:
        toks = bm25s.tokenize([q], stopwords="en", show_progress=False, return_ids=False)
        return retriever.retrieve(toks, k=10, show_progress=False, n_threads=0)

    def scan(q: str) -> object:
        s = (xt @ vec.transform([q]).T).toarray().ravel()
        return _top(s, 10)

    systems: dict[str, Callable[[str], object]] = {
        "ours": ours,
        "ours_bare": ours_bare,
        "bm25s": bm,
        "scan": scan,
    }
    times: dict[str, list[float]] = {name: [] for name in systems}
    order = list(systems)
    round_ratios: list[float] = []
    round_ratios_bare: list[float] = []
    for turn in range(rounds):
        # each round runs every system over all the queries, in a rotated order
        medians = {}
        for name in order[turn % len(order) :] + order[: turn % len(order)]:
            fn = systems[name]
            for q in queries[:3]:  # warm this system's caches
                fn(q)
            block = []
            for q in queries:
                t = time.perf_counter()
                fn(q)
                block.append(time.perf_counter() - t)
            times[name] += block
            medians[name] = _median(block)
        round_ratios.append(medians["ours"] / medians["bm25s"])
        round_ratios_bare.append(medians["ours_bare"] / medians["bm25s"])
    for name, values in times.items():
        r[f"rank_{name}_ms"] = 1000 * _median(values)
    # how far the ratio moves from round to round with the load on a shared machine
    r["round_ratios_bm25s"] = sorted(round_ratios)
    r["round_ratios_bare_bm25s"] = sorted(round_ratios_bare)

    # where our time goes (the same steps rank() takes, timed one by one)
    steps: dict[str, list[float]] = {"parse": [], "top": [], "explain": []}
    for q in queries:
        t0 = time.perf_counter()
        parsed = m._query(q)
        t1 = time.perf_counter()
        hits = m._top(parsed, 10)
        t2 = time.perf_counter()
        m._explain(parsed, np.array([s for s, _ in hits], np.int64))
        t3 = time.perf_counter()
        for name, a, b in zip(steps, (t0, t1, t2), (t1, t2, t3), strict=True):
            steps[name].append(b - a)
    r["rank_steps_ms"] = {name: 1000 * _median(v) for name, v in steps.items()}

    r["rank_many_ours_ms_per_query"] = (
        1000 * _timed(lambda: m.rank_many(queries, k=10))[0] / len(queries)
    )
    adds = [Document(f"x{i}", "", t) for i, t in enumerate(extra)]
    add_times = []
    for d in adds:
        t = time.perf_counter()
        m.add([d])
        add_times.append(time.perf_counter() - t)
    r["add_ours_ms"] = 1000 * _median(add_times)
    r["add_ours_max_ms"] = 1000 * max(add_times)
    r["mem_after_adds_bytes"] = index_bytes(m)
    print(
        f"  rank ms: ours {r['rank_ours_ms']:.2f} (bare {r['rank_ours_bare_ms']:.2f}) bm25s "
        f"{r['rank_bm25s_ms']:.2f} scan {r['rank_scan_ms']:.2f}; add {r['add_ours_ms']:.2f} ms; "
        f"memory {r['mem_ours_bytes'] / 1e6:.0f} MB "
        f"vs {r['mem_sklearn_matrix_bytes'] / 1e6:.0f} MB",
        flush=True,
    )
    return r


# ---------------------------------------------------------------- report


def machine() -> dict[str, str]:
    cpu = cpu_model()
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": f"{cpu}, {os.cpu_count()} cores (BLAS pinned to 1 thread)",
        "versions": (
            f"python {platform.python_version()}, numpy {np.__version__}, "
            f"scipy {version('scipy')}, scikit-learn {version('scikit-learn')}, "
            f"bm25s {version('bm25s')}, PyStemmer {version('PyStemmer')}"
        ),
        "command": " ".join(["python -m benchmarks.run", *sys.argv[1:]]),
    }


def _render_quality(qual: list[dict[str, Any]]) -> list[str]:
    lines = [
        "### Quality (nDCG@10; ratio = ours / peer)",
        "",
        "| collection | queries | ours | bm25s | ours/bm25s | TfidfVectorizer() | ours/tfidf "
        "| tuned tfidf | ours/tuned |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in qual:
        o, b, t, u = (r[k]["ndcg@10"] for k in ("ours", "bm25s", "tfidf", "tfidf_tuned"))
        lines.append(
            f"| {r['name']} | {r['ours']['queries']} | {o:.4f} | {b:.4f} | {o / b:.3f} "
            f"| {t:.4f} | {o / t:.3f} | {u:.4f} | {o / u:.3f} |"
        )
    lines += [
        "",
        "All four metrics, ours (bm25s):",
        "",
        "| collection | " + " | ".join(METRIC_KEYS) + " |",
        "|---|" + "---|" * len(METRIC_KEYS),
    ]
    for r in qual:
        cells = [f"{r['ours'][k]:.4f} ({r['bm25s'][k]:.4f})" for k in METRIC_KEYS]
        lines.append(f"| {r['name']} | " + " | ".join(cells) + " |")
    lines.append("")
    return lines


def _render_stats(stats: dict[str, dict[str, float]]) -> list[str]:
    lines = [
        "### Synthetic text against real text (5,000 passages of 150-250 words each)",
        "",
        "| text | distinct terms per document | distinct phrases per document "
        "| distinct phrases in all | share of postings in terms in > 10 % of documents |",
        "|---|---|---|---|---|",
    ]
    names = {
        "real": "real: stretches of the collections' documents",
        "markov": "synthetic (default): bigram chain with cache",
        "iid": "synthetic (stress): independent words",
    }
    for key, label in names.items():
        s = stats[key]
        lines.append(
            f"| {label} | {s['terms_per_doc']:.1f} | {s['phrases_per_doc']:.1f} "
            f"| {s['distinct_phrases']:,.0f} | {s['frequent_share']:.3f} |"
        )
    lines.append("")
    return lines


# rounds whose ratios differ by more than this factor mean the machine's load changed a lot
_UNSTEADY = 1.5


def _unsteady(runs: list[dict[str, Any]]) -> list[str]:
    """A warning under the speed table when the per-round ratios disagree widely."""
    wide = [
        f"{s['n_docs']:,} documents ({spread[0]:.3f} to {spread[-1]:.3f})"
        for s in runs
        if (spread := s.get("round_ratios_bm25s")) and spread[-1] > _UNSTEADY * spread[0]
    ]
    if not wide:
        return []
    return [
        "",
        "**The machine's load changed during this run**: the ratio to bm25s moved by more than "
        f"{_UNSTEADY} x between rounds at " + "; ".join(wide) + ". Each system runs its "
        "queries in a block of its own, so a busy spell that falls on one system's block and not "
        "on the other's moves a round's ratio either way: the medians above are less certain "
        "than in a steady run; compare them with the spread and with runs on a quieter machine.",
    ]


def _render_speed(speeds: list[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    for corpus, title in CORPORA.items():
        runs = [s for s in speeds if s["corpus"] == corpus]
        if not runs:
            continue
        lines += [
            f"### Speed and size: {title} (150-250-word documents and queries)",
            "",
            "| documents | measure | ours | peer | ratio | goal |",
            "|---|---|---|---|---|---|",
        ]
        for s in runs:
            n = f"{s['n_docs']:,}"
            rows = [
                ("rank k=10, ms (median)", "ours", "bm25s", "bm25s", "<= 0.5"),
                ("rank k=10, ms (median)", "ours", "scan", "full-scan X @ q.T", "<= 0.15"),
                ("rank k=10 no explanations, ms", "ours_bare", "bm25s", "bm25s", ""),
            ]
            for label, ours, peer, peer_name, goal in rows:
                a, b = s[f"rank_{ours}_ms"], s[f"rank_{peer}_ms"]
                lines.append(
                    f"| {n} | {label} vs {peer_name} | {a:.2f} | {b:.2f} | {a / b:.3f} | {goal} |"
                )
            for key, label in (
                ("round_ratios_bm25s", "rank k=10"),
                ("round_ratios_bare_bm25s", "rank k=10 no explanations"),
            ):
                spread = s.get(key)
                if spread:
                    lines.append(
                        f"| {n} | {label} vs bm25s, ratio of each round's medians "
                        f"({len(spread)} rounds): lowest / median / highest | | | "
                        f"{spread[0]:.3f} / {_median(spread):.3f} / {spread[-1]:.3f} | |"
                    )
            fit = (
                ("fit, s", "sklearn", "TfidfVectorizer().fit_transform", "<= 2"),
                ("fit, s", "bm25s", "bm25s tokenize+index", ""),
            )
            for label, peer, peer_name, goal in fit:
                a, b = s["fit_ours_s"], s[f"fit_{peer}_s"]
                lines.append(
                    f"| {n} | {label} vs {peer_name} | {a:.2f} | {b:.2f} | {a / b:.3f} | {goal} |"
                )
            a, b = s["mem_ours_bytes"] / 1e6, s["mem_sklearn_matrix_bytes"] / 1e6
            traced = s["mem_traced_bytes"] / 1e6
            after = s["mem_after_adds_bytes"] / 1e6
            lines += [
                f"| {n} | index memory, MB vs TfidfVectorizer matrix bytes | {a:.1f} | {b:.1f} "
                f"| {a / b:.3f} | <= 3 |",
                f"| {n} | heap held after fit (tracemalloc), MB vs the same | {traced:.1f} "
                f"| {b:.1f} | {traced / b:.3f} | |",
                f"| {n} | index memory after the 50 adds, MB vs the same | {after:.1f} | {b:.1f} "
                f"| {after / b:.3f} | |",
                f"| {n} | add() one document, ms (median of 50; slowest) | "
                f"{s['add_ours_ms']:.2f} ({s['add_ours_max_ms']:.2f}) | | | < 5 ms |",
                f"| {n} | rank_many, ms per query ({s['n_queries']} queries) | "
                f"{s['rank_many_ours_ms_per_query']:.2f} | | | |",
            ]
        lines += _unsteady(runs)
        lines += ["", "Where the time and the memory go (ours):", ""]
        lines += [
            "| documents | parse query, ms | product, exact rescoring and top-k, ms "
            "| explanations, ms | stored entries (ours / sklearn) | terms (ours / sklearn) |",
            "|---|---|---|---|---|---|",
        ]
        for s in runs:
            st = s["rank_steps_ms"]
            lines.append(
                f"| {s['n_docs']:,} | {st['parse']:.2f} | {st['top']:.2f} "
                f"| {st['explain']:.2f} | {s['nnz_ours']:,} / {s['nnz_sklearn']:,} "
                f"| {s['terms_ours']:,} / {s['terms_sklearn']:,} |"
            )
        parts = list(runs[0]["mem_parts"])
        lines += [
            "",
            "| documents | " + " | ".join(f"{p}, MB" for p in parts) + " |",
            "|---|" + "---|" * len(parts),
        ]
        for s in runs:
            cells = [f"{s['mem_parts'][p] / 1e6:.1f}" for p in parts]
            lines.append(f"| {s['n_docs']:,} | " + " | ".join(cells) + " |")
        lines.append("")
    return lines


def render(
    info: dict[str, str],
    qual: list[dict[str, Any]],
    stats: dict[str, dict[str, float]] | None,
    speeds: list[dict[str, Any]],
) -> str:
    lines = [
        f"Measured {info['date']} on {info['cpu']}; {info['versions']}.",
        f"Command: `{info['command']}`",
        "",
    ]
    if qual:
        lines += _render_quality(qual)
    if stats:
        lines += _render_stats(stats)
    if speeds:
        lines += _render_speed(speeds)
        lines.append(
            "Rank times include query tokenisation on every side: `TfidfMatcher.rank(text, k=10)` "
            "(with explanations unless stated), `bm25s.tokenize` + `BM25.retrieve(k=10, "
            "n_threads=0)`, and `TfidfVectorizer.transform` + `X @ q.T` + argpartition top-10; "
            "medians over every query of every round (each round runs each system over all the "
            "queries, the systems taking turns). Fit times are medians over the repeats, the "
            "systems taking turns."
        )
    return "\n".join(lines) + "\n"


def write_report(path: Path, body: str) -> None:
    block = f"{START}\n{body}{END}"
    if path.exists():
        old = path.read_text(encoding="utf-8")
        if START in old and END in old:
            head, rest = old.split(START, 1)
            tail = rest.split(END, 1)[1]
            path.write_text(head + block + tail, encoding="utf-8")
            return
        path.write_text(old.rstrip() + "\n\n" + block + "\n", encoding="utf-8")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# Matcher benchmarks\n\n" + block + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument(
        "--data",
        type=Path,
        default=ROOT.parent / "shared" / "data",
        help="folder of the labelled collections (default: ../shared/data)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    parser.add_argument("--quick", action="store_true", help="speed at 2k and 10k documents")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--queries", type=int, default=50, help="queries per speed run")
    parser.add_argument("--repeats", type=int, default=3, help="fits per system and size")
    parser.add_argument("--rounds", type=int, default=10, help="passes over the queries")
    parser.add_argument(
        "--no-stress", action="store_true", help="skip the independent-words corpus at 100k"
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", help="corpus sizes instead of the default ones"
    )
    args = parser.parse_args(argv)
    info = machine()
    print(info["cpu"], "|", info["versions"], flush=True)
    qual = [] if args.skip_quality else quality(args.data)
    speeds = []
    stats = None
    if not args.skip_speed:
        corpora = Corpora(args.data)
        stats = corpora.stats()
        plan = [("markov", 2_000), ("markov", 10_000)]
        if args.sizes:
            plan = [("markov", n) for n in args.sizes]
        elif not args.quick:
            plan = [("markov", 10_000), ("markov", 100_000)]
            if not args.no_stress:
                plan.append(("iid", 100_000))
        for corpus, n in plan:
            print(f"speed on {corpus} text at {n:,} documents", flush=True)
            speeds.append(speed(corpora, corpus, n, args.queries, args.repeats, args.rounds))
    body = render(info, qual, stats, speeds)
    print(body)
    write_report(args.out, body)
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
