"""Benchmarks of the matcher against bm25s and scikit-learn, written to docs/benchmarks.md.

Run from the project root::

    python -m benchmarks.run                 # quality on every collection, speed at 10k and 100k
    python -m benchmarks.run --quick         # speed at 2k and 10k only
    python -m benchmarks.run --data DIR --out FILE

Every peer is measured in the same process and the same run, BLAS pinned to one thread; the
tables give our figure, the peer's and the ratio.
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
from collections.abc import Callable  # noqa: E402
from importlib.metadata import version  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402

from benchmarks.synthetic import make_texts, word_distribution  # noqa: E402
from matching import Document, TfidfMatcher  # noqa: E402
from matching._grow import GrowableArray  # noqa: E402
from matching.evaluate import METRIC_KEYS, evaluate, load_collection, score_rankings  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
COLLECTIONS = ("cranfield", "reviewer_paper_goldstandard", "scifact", "sbir_topics")
START, END = "<!-- results:start -->", "<!-- results:end -->"


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


# ---------------------------------------------------------------- speed


def _median_ms(fn: Callable[[Any], object], items: list[Any]) -> float:
    times = []
    for item in items:
        t = time.perf_counter()
        fn(item)
        times.append(time.perf_counter() - t)
    return 1000 * statistics.median(times)


def _timed(fn: Callable[[], object]) -> tuple[float, Any]:
    gc.collect()
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def index_bytes(obj: Any, seen: set[int] | None = None) -> int:
    """Bytes held by the matcher's state: numpy buffers plus Python containers and strings."""
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


def csr_bytes(x: sp.csr_matrix) -> int:
    return int(x.data.nbytes + x.indices.nbytes + x.indptr.nbytes)


def speed(
    data: Path, n_docs: int, n_queries: int, words: list[str], p: np.ndarray
) -> dict[str, Any]:
    bm25s = _bm25s()
    texts = make_texts(words, p, n_docs, seed=n_docs)
    queries = make_texts(words, p, n_queries, seed=n_docs + 1)
    extra = make_texts(words, p, 50, seed=n_docs + 2)
    docs = [Document(f"d{i}", "", t) for i, t in enumerate(texts)]
    r: dict[str, Any] = {"n_docs": n_docs, "n_queries": n_queries}

    r["fit_ours_s"], m = _timed(lambda: TfidfMatcher().fit(docs))
    vec = TfidfVectorizer()
    r["fit_sklearn_s"], x = _timed(lambda: vec.fit_transform(texts))
    r["mem_ours_bytes"] = index_bytes(m)
    r["mem_sklearn_matrix_bytes"] = csr_bytes(x)
    nnz = int(m._main.terms.size)
    # the same matrix our index is built from, stored as scikit-learn stores it
    r["mem_own_matrix_bytes"] = nnz * (8 + 4) + (n_docs + 1) * 4
    r["nnz_ours"], r["nnz_sklearn"] = nnz, int(x.nnz)
    print(f"  fit: ours {r['fit_ours_s']:.1f}s sklearn {r['fit_sklearn_s']:.1f}s", flush=True)

    retriever = bm25s.BM25()
    r["fit_bm25s_s"], _ = _timed(
        lambda: retriever.index(
            bm25s.tokenize(texts, stopwords="en", show_progress=False), show_progress=False
        )
    )

    for q in queries[:3]:  # warm caches on every side
        m.rank(q, k=10)
    r["rank_ours_ms"] = _median_ms(lambda q: m.rank(q, k=10), queries)
    r["rank_ours_noexplain_ms"] = _median_ms(lambda q: m.rank(q, k=10, explain=False), queries)

    def bm_rank(q: str) -> object:
        toks = bm25s.tokenize([q], stopwords="en", show_progress=False, return_ids=False)
        return retriever.retrieve(toks, k=10, show_progress=False, n_threads=0)

    r["rank_bm25s_ms"] = _median_ms(bm_rank, queries)

    xt = x.tocsr()

    def scan(q: str) -> object:
        s = (xt @ vec.transform([q]).T).toarray().ravel()
        return _top(s, 10)

    r["rank_scan_ms"] = _median_ms(scan, queries)
    r["rank_many_ours_ms_per_query"] = (
        1000 * _timed(lambda: m.rank_many(queries, k=10))[0] / len(queries)
    )
    adds = [Document(f"x{i}", "", t) for i, t in enumerate(extra)]
    r["add_ours_ms"] = _median_ms(lambda d: m.add([d]), adds)
    print(
        f"  rank ms: ours {r['rank_ours_ms']:.2f} bm25s {r['rank_bm25s_ms']:.2f} "
        f"scan {r['rank_scan_ms']:.2f}; add {r['add_ours_ms']:.2f} ms",
        flush=True,
    )
    return r


# ---------------------------------------------------------------- report


def machine() -> dict[str, str]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": f"{cpu}, {os.cpu_count()} cores (BLAS pinned to 1 thread)",
        "versions": (
            f"python {platform.python_version()}, numpy {np.__version__}, "
            f"scipy {version('scipy')}, scikit-learn {version('scikit-learn')}, "
            f"bm25s {version('bm25s')}, PyStemmer {version('PyStemmer')}"
        ),
        "command": "python -m benchmarks.run " + " ".join(sys.argv[1:]),
    }


def render(info: dict[str, str], qual: list[dict[str, Any]], speeds: list[dict[str, Any]]) -> str:
    lines = [
        f"Measured {info['date']} on {info['cpu']}; {info['versions']}.",
        f"Command: `{info['command']}`",
        "",
    ]
    if qual:
        lines += [
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
    if speeds:
        lines += [
            "### Speed and size (synthetic 150-250-word documents and queries)",
            "",
            "| documents | measure | ours | peer | ratio | goal |",
            "|---|---|---|---|---|---|",
        ]
        for s in speeds:
            n = f"{s['n_docs']:,}"
            rows = [
                (
                    "rank k=10, ms (median)",
                    s["rank_ours_ms"],
                    s["rank_bm25s_ms"],
                    "bm25s",
                    "<= 0.5",
                ),
                (
                    "rank k=10, ms (median)",
                    s["rank_ours_ms"],
                    s["rank_scan_ms"],
                    "full-scan X @ q.T",
                    "<= 0.15",
                ),
                (
                    "rank k=10 no explanations, ms",
                    s["rank_ours_noexplain_ms"],
                    s["rank_bm25s_ms"],
                    "bm25s",
                    "",
                ),
                (
                    "fit, s",
                    s["fit_ours_s"],
                    s["fit_sklearn_s"],
                    "TfidfVectorizer().fit_transform",
                    "<= 2",
                ),
                ("fit, s", s["fit_ours_s"], s["fit_bm25s_s"], "bm25s tokenize+index", ""),
                (
                    "index memory, MB",
                    s["mem_ours_bytes"] / 1e6,
                    s["mem_sklearn_matrix_bytes"] / 1e6,
                    "TfidfVectorizer matrix bytes",
                    "<= 3",
                ),
                (
                    "index memory, MB",
                    s["mem_ours_bytes"] / 1e6,
                    s["mem_own_matrix_bytes"] / 1e6,
                    "same-nnz CSR (float64, int32) bytes",
                    "",
                ),
            ]
            for label, ours, peer, peer_name, goal in rows:
                lines.append(
                    f"| {n} | {label} vs {peer_name} | {ours:.2f} | {peer:.2f} "
                    f"| {ours / peer:.3f} | {goal} |"
                )
            lines.append(
                f"| {n} | add() one document, ms (median of 50) | "
                f"{s['add_ours_ms']:.2f} | | | < 5 ms |"
            )
            lines.append(
                f"| {n} | rank_many, ms per query ({s['n_queries']} queries) | "
                f"{s['rank_many_ours_ms_per_query']:.2f} | | | |"
            )
        lines.append("")
        lines.append(
            "Rank times include query tokenisation on every side: `TfidfMatcher.rank(text, k=10)` "
            "(with explanations unless stated), `bm25s.tokenize` + `BM25.retrieve(k=10, "
            "n_threads=0)`, and `TfidfVectorizer.transform` + `X @ q.T` + argpartition top-10."
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
    parser.add_argument("--queries", type=int, default=30, help="queries per speed run")
    args = parser.parse_args(argv)
    info = machine()
    print(info["cpu"], "|", info["versions"], flush=True)
    qual = [] if args.skip_quality else quality(args.data)
    speeds = []
    if not args.skip_speed:
        words, p = word_distribution(args.data)
        for n in (2_000, 10_000) if args.quick else (10_000, 100_000):
            print(f"speed at {n:,} documents", flush=True)
            speeds.append(speed(args.data, n, args.queries, words, p))
    body = render(info, qual, speeds)
    print(body)
    write_report(args.out, body)
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
