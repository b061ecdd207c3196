"""TfidfMatcher: rank documents against a query on an inverted TF-IDF index, with explanations.

How a score is made
-------------------
Each document becomes a vector over *terms* (stemmed, spelling-folded words and, with a smaller
weight, two-word phrases). A term's weight in a document is a saturating function of its
field-weighted count (BM25's ``tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))``) times
``idf ** doc_idf_power``; the vector is then divided by ``norm + pivot * mean_norm``, a pivoted
length normalisation that keeps every document vector's length below 1. The query becomes
``count * idf ** query_idf_power`` over its terms, scaled to unit length. The score is the dot
product of the two vectors, so it lies in ``[0, 1)`` and splits exactly into one contribution per
shared term: that is what :class:`~matching.Match` reports.

Corpus statistics and updates
-----------------------------
The corpus statistics (IDF, average length, mean norm, boilerplate terms) are computed by
:meth:`TfidfMatcher.fit` and frozen. :meth:`~TfidfMatcher.add` and :meth:`~TfidfMatcher.remove`
update the index immediately using the frozen statistics, so they never disturb the scores of the
other documents: adding documents and removing them again leaves every ranking exactly as it was.
The statistics are refreshed lazily, by the first query after the live corpus has drifted from
the fitted one by more than ``refit_threshold`` (default 10 %) of the fitted documents, counting
both additions and removals. A refresh reuses the stored term counts (no re-tokenising), costs
time linear in the index size, and leaves the matcher exactly as a fresh ``fit`` on its live
documents would.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from typing import Any, Self

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.base import BaseEstimator

from matching._grow import GrowableArray
from matching.text import STOP_WORDS, Analyzer
from matching.types import Document, Match, MatchedTerm

__all__ = ["FORMAT_VERSION", "TfidfMatcher"]

FORMAT_VERSION = 1
_DEFAULT_FIELD_WEIGHTS: Mapping[str, float] = {"title": 2.0, "text": 1.0}
_SHIFT = np.int64(32)

IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]
Float32Array = npt.NDArray[np.float32]


@dataclass(slots=True)
class _Encoded:
    """Field-weighted term counts of a batch of texts, one sparse row per text."""

    rows: sp.csr_matrix  # texts x terms, summed weights, column indices sorted
    dl: FloatArray  # field-weighted count of single-word terms per text
    types: sp.csr_matrix | None  # texts x word types (documents only)
    words: list[list[str]]  # per text, its content words in order (queries only)
    word_terms: list[list[int]]  # per text, the term id of each content word (-1 unknown)


@dataclass(slots=True)
class _Query:
    terms: IntArray  # sorted term ids
    weights: FloatArray  # unit-length query vector
    forms: dict[int, list[str]]  # term id -> the query's own surface forms


class TfidfMatcher(BaseEstimator):  # type: ignore[misc]
    """Rank documents for a query by TF-IDF similarity, and explain every score.

    Parameters
    ----------
    field_weights : Mapping of str to float, optional
        How much a word counts in each field, for documents and queries alike. Defaults to
        ``{"title": 2.0, "text": 1.0}``; fields in ``Document.fields`` not named here count 1.
    ngram_weight : float
        Weight of two-word phrases ("older people") relative to single words; 0 turns phrases
        off.
    k1 : float
        Term-frequency saturation: the larger, the more a repeated word keeps adding.
    b : float
        How strongly a term's count is discounted in longer documents (0 = not at all).
    pivot : float
        Pivoted length normalisation: a document vector is divided by
        ``norm + pivot * mean_norm``. 0 gives plain cosine similarity.
    doc_idf_power, query_idf_power : float
        Exponents of the IDF on the document and the query side. Long queries benefit from
        rare words counting more than plain TF-IDF lets them.
    max_df : float
        Corpus-frequent boilerplate: terms found in more than this share of the documents are
        ignored. 1.0 keeps every term.
    stem : bool
        Reduce words to their English Snowball stem.
    fold_spelling : bool
        Treat British and American spellings alike (organisation/organization).
    stop_words : "english", collection of str or None
        Words that never count. "english" is scikit-learn's list plus a few filler words.
    refit_threshold : float
        Refresh the corpus statistics once the live documents differ from the fitted ones by
        more than this share (additions plus removals).

    Attributes
    ----------
    n_documents_ : int
        Number of live (fitted or added, not removed) documents.
    model_version_ : str
        Fingerprint of the parameters and the frozen corpus statistics; it changes exactly when
        the scores of unchanged documents can change. Store it beside any saved score.

    Examples
    --------
    >>> docs = [
    ...     Document("p1", "Falls sensors", "Sensors that warn carers when older people fall."),
    ...     Document("p2", "Bin routes", "Route planning for waste collection lorries."),
    ... ]
    >>> m = TfidfMatcher().fit(docs)
    >>> hits = m.rank("help older people who fall at home", k=5)
    >>> [h.doc_id for h in hits]
    ['p1']
    >>> [t.term for t in hits[0].terms]
    ['fall', 'older', 'people', 'older people']
    >>> abs(sum(t.weight for t in hits[0].terms) - hits[0].score) < 1e-9
    True
    """

    n_documents_: int
    model_version_: str
    _ids: list[str]
    _slot: dict[str, int]
    _live: GrowableArray
    _dl: GrowableArray
    _norm: GrowableArray
    _r_indptr: GrowableArray
    _r_terms: GrowableArray
    _r_tf: GrowableArray
    _t_indptr: GrowableArray
    _t_types: GrowableArray
    _df_live: GrowableArray
    _n_main: int
    _n_fit: int
    _added_since: int
    _removed_since: int

    def __init__(
        self,
        *,
        field_weights: Mapping[str, float] | None = None,
        ngram_weight: float = 0.45,
        k1: float = 1.2,
        b: float = 0.5,
        pivot: float = 0.4,
        doc_idf_power: float = 1.5,
        query_idf_power: float = 1.0,
        max_df: float = 1.0,
        stem: bool = True,
        fold_spelling: bool = True,
        stop_words: str | Collection[str] | None = "english",
        refit_threshold: float = 0.1,
    ) -> None:
        self.field_weights = field_weights
        self.ngram_weight = ngram_weight
        self.k1 = k1
        self.b = b
        self.pivot = pivot
        self.doc_idf_power = doc_idf_power
        self.query_idf_power = query_idf_power
        self.max_df = max_df
        self.stem = stem
        self.fold_spelling = fold_spelling
        self.stop_words = stop_words
        self.refit_threshold = refit_threshold

    # ------------------------------------------------------------------ public API

    def fit(self, documents: Iterable[Document], y: None = None) -> Self:
        """Index ``documents`` and compute the corpus statistics.

        Parameters
        ----------
        documents : iterable of Document
            The corpus. Ids must be unique. Order does not affect any score.
        y : None
            Ignored; present for the scikit-learn estimator contract.

        Returns
        -------
        self : TfidfMatcher

        Raises
        ------
        ValueError
            If there are no documents, ids repeat, or no document has a single indexable word.

        Examples
        --------
        >>> TfidfMatcher().fit([Document("a", text="road repairs")]).n_documents_
        1
        """
        docs = list(documents)
        if not docs:
            raise ValueError("cannot fit a matcher on an empty corpus: pass at least one Document")
        self._check_params()
        self._reset()
        self._append(docs)
        if int(self._df_live.view().sum()) == 0:
            raise ValueError(
                "cannot fit a matcher: no document contains an indexable word "
                "(all texts are empty, punctuation or stop words)"
            )
        self._refresh()
        return self

    def rank(self, query: Document | str, k: int = 10, *, explain: bool = True) -> list[Match]:
        """Return the ``k`` best-matching documents for ``query``, best first.

        Parameters
        ----------
        query : Document or str
            A challenge, proposal or profile. A plain string counts as body text.
        k : int
            Maximum number of matches.
        explain : bool
            Fill ``Match.terms``. Pass False when only ids and scores are needed (bulk
            scoring, evaluation); ``terms`` is then empty.

        Returns
        -------
        list of Match
            Only documents sharing at least one term with the query (score > 0), so an empty or
            stop-word-only query returns ``[]``. Ties are broken by document id.

        Examples
        --------
        >>> m = TfidfMatcher().fit([Document("a", text="pothole repair"), Document("b", text="x")])
        >>> [(h.doc_id, round(h.score, 3)) for h in m.rank("repair potholes")]
        [('a', 0.664)]
        >>> m.rank("   ")
        []
        """
        return self.rank_many([query], k=k, explain=explain)[0]

    def rank_many(
        self, queries: Sequence[Document | str], k: int = 10, *, explain: bool = True
    ) -> list[list[Match]]:
        """Rank for many queries at once with a single sparse product.

        Parameters
        ----------
        queries : sequence of Document or str
        k : int
        explain : bool
            As for :meth:`rank`.

        Returns
        -------
        list of list of Match
            One ranking per query, in the order of ``queries``; each equals ``rank(query, k)``.

        Examples
        --------
        >>> docs = [Document("a", text="street lighting"), Document("b", text="bins")]
        >>> m = TfidfMatcher().fit(docs)
        >>> [[h.doc_id for h in r] for r in m.rank_many(["lighting", "bins", ""])]
        [['a'], ['b'], []]
        """
        self._check_fitted()
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        self._maybe_refresh()
        parsed = [self._query(q) for q in queries]
        if len(parsed) == 1:
            return [self._matches(parsed[0], self._score_one(parsed[0]), k, explain)]
        out: list[list[Match]] = []
        # bound the dense score block to about 16 M floats
        step = max(1, 16_000_000 // max(len(self._ids), 1))
        for start in range(0, len(parsed), step):
            chunk = parsed[start : start + step]
            for q, s in zip(chunk, self._score_many(chunk), strict=True):
                out.append(self._matches(q, s, k, explain))
        return out

    def add(self, documents: Iterable[Document]) -> Self:
        """Index more documents without refitting.

        The new documents are weighted with the frozen corpus statistics, so no other
        document's score changes. See the module notes for when statistics are refreshed.

        Parameters
        ----------
        documents : iterable of Document
            Ids must be new to this matcher and unique among themselves.

        Returns
        -------
        self : TfidfMatcher

        Examples
        --------
        >>> m = TfidfMatcher().fit([Document("a", text="street lighting")])
        >>> [h.doc_id for h in m.add([Document("b", text="lighting columns")]).rank("columns")]
        ['b']
        """
        self._check_fitted()
        docs = list(documents)
        if docs:
            self._append(docs)
        return self

    def remove(self, ids: Iterable[str]) -> Self:
        """Drop documents from the index without refitting.

        Parameters
        ----------
        ids : iterable of str
            Ids of live documents.

        Returns
        -------
        self : TfidfMatcher

        Raises
        ------
        KeyError
            If an id is not in the matcher; nothing is removed then.

        Examples
        --------
        >>> m = TfidfMatcher().fit([Document("a", text="lighting"), Document("b", text="lights")])
        >>> [h.doc_id for h in m.remove(["a"]).rank("lighting")]
        ['b']
        """
        self._check_fitted()
        wanted = list(dict.fromkeys(ids))
        missing = [i for i in wanted if i not in self._slot]
        if missing:
            raise KeyError(f"not in the matcher: {missing[:5]}")
        indptr = self._r_indptr.view()
        terms = self._r_terms.view()
        live = self._live.view()
        df = self._df_live.view()
        for doc_id in wanted:
            slot = self._slot.pop(doc_id)
            live[slot] = False
            row = terms[indptr[slot] : indptr[slot + 1]]
            df[row] -= 1
            if slot >= self._n_main:
                self._added_since -= 1
            else:
                self._removed_since += 1
        self.n_documents_ = len(self._slot)
        return self

    def duplicates(
        self, threshold: float = 0.8, ids: Iterable[str] | None = None
    ) -> list[tuple[str, str, float]]:
        """Find pairs of near-identical documents.

        Similarity here is the cosine of the two documents' term vectors (no length pivot), so
        1.0 means the same wording up to repetition.

        Parameters
        ----------
        threshold : float
            Minimum cosine similarity, in ``(0, 1]``.
        ids : iterable of str, optional
            Only compare these documents (for example one challenge's proposals). All live
            documents by default; the cost grows with the square of their number.

        Returns
        -------
        list of (str, str, float)
            ``(id_a, id_b, similarity)``, most similar first, each pair once.

        Examples
        --------
        >>> m = TfidfMatcher().fit([
        ...     Document("a", text="Smart sensors detect falls in care homes."),
        ...     Document("b", text="Smart sensors detect falls in care homes!"),
        ...     Document("c", text="Route planning for waste lorries."),
        ... ])
        >>> [(a, b, round(s, 3)) for a, b, s in m.duplicates(0.9)]
        [('a', 'b', 1.0)]
        """
        self._check_fitted()
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {threshold}")
        self._maybe_refresh()
        if ids is None:
            slots = np.flatnonzero(self._live.view())
        else:
            wanted = list(dict.fromkeys(ids))
            missing = [i for i in wanted if i not in self._slot]
            if missing:
                raise KeyError(f"not in the matcher: {missing[:5]}")
            slots = np.array([self._slot[i] for i in wanted], dtype=np.int64)
        if slots.size < 2:
            return []
        mat = self._unit_rows(slots)
        out: list[tuple[str, str, float]] = []
        chunk = 2048
        for start in range(0, slots.size, chunk):
            block = (mat[start : start + chunk] @ mat.T).tocoo()
            r = block.row + start
            keep = (block.col > r) & (block.data >= threshold - 1e-12)
            for i, j, s in zip(r[keep], block.col[keep], block.data[keep], strict=True):
                out.append((self._ids[slots[i]], self._ids[slots[j]], min(float(s), 1.0)))
        out.sort(key=lambda t: (-t[2], t[0], t[1]))
        return out

    def save(self, path: str | PathLike[str]) -> None:
        """Write the fitted matcher to one ``.npz`` file (numpy arrays and a JSON header).

        No pickle is written or read: :meth:`load` uses ``allow_pickle=False``.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> m = TfidfMatcher().fit([Document("a", text="street lighting")])
        >>> with tempfile.TemporaryDirectory() as d:
        ...     m.save(pathlib.Path(d) / "model.npz")
        ...     again = TfidfMatcher.load(pathlib.Path(d) / "model.npz")
        >>> again.model_version_ == m.model_version_
        True
        """
        self._check_fitted()
        params = self.get_params()
        if params["stop_words"] is not None and not isinstance(params["stop_words"], str):
            params["stop_words"] = sorted(params["stop_words"])
        if params["field_weights"] is not None:
            params["field_weights"] = dict(params["field_weights"])
        header = {
            "format": FORMAT_VERSION,
            "params": params,
            "ids": self._ids,
            "types": self._types,
            "term_text": self._term_text,
            "n_main": self._n_main,
            "n_fit": self._n_fit,
            "added_since": self._added_since,
            "removed_since": self._removed_since,
            "avgdl": self._avgdl,
            "norm_offset": self._norm_offset,
            "idf_new_doc": self._idf_new_doc,
            "idf_new_query": self._idf_new_query,
            "model_version": self.model_version_,
        }
        arrays: dict[str, npt.NDArray[Any]] = {
            "header": np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8),
            "live": self._live.view(),
            "dl": self._dl.view(),
            "norm": self._norm.view(),
            "r_indptr": self._r_indptr.view(),
            "r_terms": self._r_terms.view(),
            "r_tf": self._r_tf.view(),
            "t_indptr": self._t_indptr.view(),
            "t_types": self._t_types.view(),
            "type_term": self._type_term.view(),
            "term_a": self._term_a.view(),
            "term_b": self._term_b.view(),
            "df_live": self._df_live.view(),
            "idf_doc": self._idf_doc.view(),
            "idf_query": self._idf_query.view(),
            "bi_keys": self._bi_keys,
            "bi_ids": self._bi_ids,
            "bi_extra_keys": np.fromiter(self._bi_extra.keys(), np.int64, len(self._bi_extra)),
            "bi_extra_ids": np.fromiter(self._bi_extra.values(), np.int64, len(self._bi_extra)),
            "c_indptr": self._c_indptr,
            "c_docs": self._c_docs,
            "c_w": self._c_w,
        }
        with open(path, "wb") as fh:
            np.savez(fh, allow_pickle=False, **arrays)

    @classmethod
    def load(cls, path: str | PathLike[str]) -> TfidfMatcher:
        """Read a matcher written by :meth:`save`; it ranks exactly as the saved one did.

        Raises
        ------
        ValueError
            If the file was written by an incompatible format version.
        """
        with np.load(path, allow_pickle=False) as z:
            a = {name: z[name] for name in z.files}
        header = json.loads(a["header"].tobytes().decode("utf-8"))
        if header.get("format") != FORMAT_VERSION:
            raise ValueError(f"unsupported matcher file format {header.get('format')!r}")
        params = dict(header["params"])
        if isinstance(params.get("stop_words"), list):
            params["stop_words"] = frozenset(params["stop_words"])
        m = cls(**params)
        m._reset()
        m._ids = list(header["ids"])
        m._types = list(header["types"])
        m._type_id = {w: i for i, w in enumerate(m._types)}
        m._term_text = list(header["term_text"])
        m._term_id = {t: i for i, t in enumerate(m._term_text) if t}
        live = a["live"].astype(bool)
        m._slot = {m._ids[s]: int(s) for s in np.flatnonzero(live)}
        m._live = GrowableArray(np.bool_, live)
        for name, dtype in (
            ("dl", np.float64),
            ("norm", np.float64),
            ("r_indptr", np.int64),
            ("r_terms", np.int32),
            ("r_tf", np.float32),
            ("t_indptr", np.int64),
            ("t_types", np.int32),
            ("type_term", np.int32),
            ("term_a", np.int32),
            ("term_b", np.int32),
            ("df_live", np.int64),
            ("idf_doc", np.float64),
            ("idf_query", np.float64),
        ):
            setattr(m, f"_{name}", GrowableArray(dtype, a[name]))
        m._bi_keys = a["bi_keys"].astype(np.int64)
        m._bi_ids = a["bi_ids"].astype(np.int64)
        m._bi_extra = dict(
            zip(a["bi_extra_keys"].tolist(), a["bi_extra_ids"].tolist(), strict=True)
        )
        m._c_indptr = a["c_indptr"].astype(np.int64)
        m._c_docs = a["c_docs"].astype(np.int32)
        m._c_w = a["c_w"].astype(np.float32)
        m._n_main = int(header["n_main"])
        m._n_fit = int(header["n_fit"])
        m._added_since = int(header["added_since"])
        m._removed_since = int(header["removed_since"])
        m._avgdl = float(header["avgdl"])
        m._norm_offset = float(header["norm_offset"])
        m._idf_new_doc = float(header["idf_new_doc"])
        m._idf_new_query = float(header["idf_new_query"])
        m.model_version_ = str(header["model_version"])
        m.n_documents_ = len(m._slot)
        return m

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and doc_id in getattr(self, "_slot", {})

    # ------------------------------------------------------------------ state

    def _check_params(self) -> None:
        if self.ngram_weight < 0 or self.k1 <= 0 or not 0 <= self.b <= 1 or self.pivot < 0:
            raise ValueError("need ngram_weight >= 0, k1 > 0, 0 <= b <= 1 and pivot >= 0")
        if not 0 < self.max_df <= 1:
            raise ValueError(f"max_df must be in (0, 1], got {self.max_df}")
        if self.refit_threshold < 0:
            raise ValueError(f"refit_threshold must be >= 0, got {self.refit_threshold}")

    def _check_fitted(self) -> None:
        if not hasattr(self, "model_version_"):
            raise RuntimeError("this TfidfMatcher is not fitted yet: call fit(documents) first")

    def _reset(self) -> None:
        if hasattr(self, "model_version_"):
            del self.model_version_
        if self.stop_words == "english":
            stop: Collection[str] = STOP_WORDS
        elif self.stop_words is None:
            stop = ()
        elif isinstance(self.stop_words, str):
            raise ValueError(f"unknown stop word list {self.stop_words!r}")
        else:
            stop = self.stop_words
        self._analyzer = Analyzer(stem=self.stem, fold=self.fold_spelling, stop_words=stop)
        fw = _DEFAULT_FIELD_WEIGHTS if self.field_weights is None else self.field_weights
        self._field_weights = {str(k): float(v) for k, v in fw.items()}
        # vocabulary
        self._types: list[str] = []
        self._type_id: dict[str, int] = {}
        self._type_term = GrowableArray(np.int32)
        self._term_text: list[str] = []  # stem for single words, "" for phrases
        self._term_id: dict[str, int] = {}
        self._term_a = GrowableArray(np.int32)
        self._term_b = GrowableArray(np.int32)  # -1 for single words
        self._bi_keys = np.zeros(0, np.int64)  # sorted phrase keys known at the last refresh
        self._bi_ids = np.zeros(0, np.int64)
        self._bi_extra: dict[int, int] = {}  # phrases first seen since the last refresh
        # documents (slots)
        self._ids: list[str] = []
        self._slot: dict[str, int] = {}
        self._live = GrowableArray(np.bool_)
        self._dl = GrowableArray(np.float64)
        self._norm = GrowableArray(np.float64)
        self._r_indptr = GrowableArray(np.int64, [0])
        self._r_terms = GrowableArray(np.int32)
        self._r_tf = GrowableArray(np.float32)
        self._t_indptr = GrowableArray(np.int64, [0])
        self._t_types = GrowableArray(np.int32)
        self._df_live = GrowableArray(np.int64)
        # frozen statistics and the term-major index of the slots before _n_main
        self._idf_doc = GrowableArray(np.float64)
        self._idf_query = GrowableArray(np.float64)
        self._idf_new_doc = 1.0
        self._idf_new_query = 1.0
        self._avgdl = 1.0
        self._norm_offset = 0.0
        self._n_fit = 0
        self._n_main = 0
        self._added_since = 0
        self._removed_since = 0
        self._c_indptr = np.zeros(1, np.int64)
        self._c_docs = np.zeros(0, np.int32)
        self._c_w = np.zeros(0, np.float32)
        self._delta: tuple[IntArray, Int32Array, Float32Array] | None = None

    def _maybe_refresh(self) -> None:
        drift = self._added_since + self._removed_since
        if drift > self.refit_threshold * max(self._n_fit, 1) and self._slot:
            self._refresh()

    def _refresh(self) -> None:
        """Recompute the corpus statistics from the live documents and rebuild the index."""
        live = np.flatnonzero(self._live.view())
        self._compact(live)
        n = len(self._ids)
        n_terms = len(self._term_a)
        indptr = self._r_indptr.view()
        terms = self._r_terms.view()
        tf = self._r_tf.view().astype(np.float64)
        rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
        df = np.bincount(terms, minlength=n_terms).astype(np.float64)
        idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
        if self.max_df < 1.0:
            idf[df > self.max_df * n] = 0.0
        self._idf_doc = GrowableArray(np.float64, idf**self.doc_idf_power)
        self._idf_query = GrowableArray(np.float64, idf**self.query_idf_power)
        idf_new = math.log((1.0 + n) / 2.0) + 1.0
        self._idf_new_doc = idf_new**self.doc_idf_power
        self._idf_new_query = idf_new**self.query_idf_power
        dl = self._dl.view()
        self._avgdl = float(dl.mean()) if n and dl.mean() > 0 else 1.0
        v = self._saturate(tf, dl[rows]) * self._idf_doc.view()[terms]
        norm = np.sqrt(np.bincount(rows, weights=v * v, minlength=n))
        self._norm = GrowableArray(np.float64, norm)
        positive = norm[norm > 0]
        self._norm_offset = self.pivot * float(positive.mean()) if positive.size else 0.0
        w = (v / (norm[rows] + self._norm_offset)).astype(np.float32)
        order = np.argsort(terms, kind="stable")
        self._c_docs = rows[order].astype(np.int32)
        self._c_w = w[order]
        self._c_indptr = np.zeros(n_terms + 1, np.int64)
        np.cumsum(np.bincount(terms, minlength=n_terms), out=self._c_indptr[1:])
        self._df_live = GrowableArray(np.int64, df.astype(np.int64))
        # phrases seen since the last refresh join the sorted lookup table
        if self._bi_extra:
            keys = np.concatenate([self._bi_keys, np.fromiter(self._bi_extra, np.int64)])
            ids = np.concatenate([self._bi_ids, np.fromiter(self._bi_extra.values(), np.int64)])
            order = np.argsort(keys)
            self._bi_keys, self._bi_ids = keys[order], ids[order]
            self._bi_extra = {}
        self._n_fit = n
        self._n_main = n
        self._added_since = 0
        self._removed_since = 0
        self._delta = None
        self.n_documents_ = n
        self.model_version_ = self._fingerprint()

    def _compact(self, live: IntArray) -> None:
        """Drop removed documents from the per-document storage."""
        if live.size == len(self._ids):
            return
        indptr = self._r_indptr.view()
        t_indptr = self._t_indptr.view()
        r_keep = _ranges(indptr[live], indptr[live + 1])
        t_keep = _ranges(t_indptr[live], t_indptr[live + 1])
        r_lens = np.diff(indptr)[live]
        t_lens = np.diff(t_indptr)[live]
        self._r_terms = GrowableArray(np.int32, self._r_terms.view()[r_keep])
        self._r_tf = GrowableArray(np.float32, self._r_tf.view()[r_keep])
        self._r_indptr = GrowableArray(np.int64, np.concatenate([[0], np.cumsum(r_lens)]))
        self._t_types = GrowableArray(np.int32, self._t_types.view()[t_keep])
        self._t_indptr = GrowableArray(np.int64, np.concatenate([[0], np.cumsum(t_lens)]))
        self._dl = GrowableArray(np.float64, self._dl.view()[live])
        self._ids = [self._ids[s] for s in live.tolist()]
        self._slot = {doc_id: s for s, doc_id in enumerate(self._ids)}
        self._live = GrowableArray(np.bool_, np.ones(live.size, bool))

    def _fingerprint(self) -> str:
        h = hashlib.sha256()
        params = {k: repr(v) for k, v in sorted(self.get_params().items())}
        h.update(json.dumps(params, sort_keys=True).encode())
        h.update(f"{FORMAT_VERSION}|{self._n_fit}|{self._avgdl!r}|{self._norm_offset!r}".encode())
        # the statistics of each term, keyed by its text, independent of term numbering
        keys = [self._term_key(t) for t in range(len(self._term_a))]
        order = sorted(range(len(keys)), key=keys.__getitem__)
        h.update("\n".join(keys[i] for i in order).encode())
        h.update(np.ascontiguousarray(self._idf_doc.view()[order]).tobytes())
        return f"tfidf-{FORMAT_VERSION}-{h.hexdigest()[:16]}"

    def _term_key(self, t: int) -> str:
        b = int(self._term_b.view()[t])
        if b < 0:
            return self._term_text[t]
        return self._term_text[int(self._term_a.view()[t])] + " " + self._term_text[b]

    def _saturate(self, tf: FloatArray, dl: FloatArray) -> FloatArray:
        k1, b = self.k1, self.b
        out: FloatArray = tf * (k1 + 1.0) / (tf + k1 * (1.0 - b + b * dl / self._avgdl))
        return out

    # ------------------------------------------------------------------ encoding

    def _fields(self, doc: Document | str) -> list[tuple[str, float]]:
        if isinstance(doc, str):
            return [(doc, self._field_weights.get("text", 1.0))]
        out = [
            (doc.title, self._field_weights.get("title", 1.0)),
            (doc.text, self._field_weights.get("text", 1.0)),
        ]
        for name in sorted(doc.fields):
            out.append((doc.fields[name], self._field_weights.get(name, 1.0)))
        return out

    def _encode(self, docs: Sequence[Document | str], grow: bool) -> _Encoded:
        """Count the terms of ``docs``; with ``grow`` new words and phrases join the vocabulary."""
        analyzer = self._analyzer
        flat: list[int] = []
        seg_len: list[int] = []
        seg_w: list[float] = []
        seg_doc: list[int] = []
        type_id = self._type_id
        if grow:
            types = self._types

            def intern(word: str) -> int:
                i = type_id.get(word)
                if i is None:
                    i = type_id[word] = len(types)
                    types.append(word)
                return i

            for d, doc in enumerate(docs):
                for text, weight in self._fields(doc):
                    ids = [intern(w) for w in analyzer.words(text)]
                    if ids:
                        flat.extend(ids)
                        seg_len.append(len(ids))
                        seg_w.append(weight)
                        seg_doc.append(d)
            self._map_new_types()
            token_terms = self._type_term.view()[np.asarray(flat, dtype=np.int64)]
            words: list[list[str]] = []
            word_terms: list[list[int]] = []
        else:
            # queries: words stay out of the vocabulary; their terms are looked up
            query_terms: list[int] = []
            words = []
            word_terms = []
            for d, doc in enumerate(docs):
                dw: list[str] = []
                dt: list[int] = []
                for text, weight in self._fields(doc):
                    ws = analyzer.words(text)
                    if not ws:
                        continue
                    ts = [-2 if s is None else self._term_id.get(s, -1) for s in analyzer.terms(ws)]
                    query_terms.extend(ts)
                    seg_len.append(len(ts))
                    seg_w.append(weight)
                    seg_doc.append(d)
                    # a field boundary breaks phrases, like a stop word does
                    dw.extend(ws)
                    dw.append("")
                    dt.extend(ts)
                    dt.append(-2)
                words.append(dw)
                word_terms.append(dt)
            token_terms = np.asarray(query_terms, dtype=np.int32)
        n = len(docs)
        lens = np.asarray(seg_len, dtype=np.int64)
        seg = np.repeat(np.arange(lens.size), lens)
        tok_doc = np.repeat(np.asarray(seg_doc, dtype=np.int64), lens)
        tok_w = np.repeat(np.asarray(seg_w, dtype=np.float64), lens)
        t = token_terms.astype(np.int64)
        uni = t >= 0
        dl = np.bincount(tok_doc[uni], weights=tok_w[uni], minlength=n).astype(np.float64)
        cols = [t[uni]]
        rows = [tok_doc[uni]]
        vals = [tok_w[uni]]
        if self.ngram_weight > 0 and t.size > 1:
            pair = uni[:-1] & uni[1:] & (seg[:-1] == seg[1:])
            keys = (t[:-1][pair] << _SHIFT) | t[1:][pair]
            pids = self._phrase_ids(keys, grow)
            ok = pids >= 0
            cols.append(pids[ok])
            rows.append(tok_doc[:-1][pair][ok])
            vals.append(tok_w[:-1][pair][ok] * self.ngram_weight)
        n_terms = len(self._term_a)
        mat = sp.csr_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
            shape=(n, n_terms),
        )
        mat.sum_duplicates()
        type_mat = None
        if grow:
            tt = np.asarray(flat, dtype=np.int64)[uni]
            type_mat = sp.csr_matrix(
                (np.ones(tt.size, np.float32), (tok_doc[uni], tt)), shape=(n, len(self._types))
            )
            type_mat.sum_duplicates()
        return _Encoded(mat, dl, type_mat, words, word_terms)

    def _map_new_types(self) -> None:
        done = len(self._type_term)
        new = self._types[done:]
        if not new:
            return
        mapped = np.empty(len(new), dtype=np.int32)
        term_id = self._term_id
        n_before = len(self._term_a)
        fresh: list[str] = []
        for i, stem in enumerate(self._analyzer.terms(new)):
            if stem is None:
                mapped[i] = -1
                continue
            t = term_id.get(stem)
            if t is None:
                t = term_id[stem] = n_before + len(fresh)
                fresh.append(stem)
            mapped[i] = t
        self._type_term.extend(mapped)
        if fresh:
            ids = np.arange(n_before, n_before + len(fresh), dtype=np.int32)
            self._new_terms(fresh, ids, np.full(len(fresh), -1, np.int32))

    def _new_terms(self, texts: list[str], a: Int32Array, b: Int32Array) -> None:
        self._term_text.extend(texts)
        self._term_a.extend(a)
        self._term_b.extend(b)
        self._df_live.extend(np.zeros(a.size, np.int64))
        self._idf_doc.extend(np.full(a.size, self._idf_new_doc))
        self._idf_query.extend(np.full(a.size, self._idf_new_query))

    def _phrase_ids(self, keys: IntArray, grow: bool) -> IntArray:
        """Term ids of two-word phrase keys; -1 for unknown ones unless ``grow``."""
        out = np.full(keys.size, -1, dtype=np.int64)
        if keys.size == 0:
            return out
        if self._bi_keys.size:
            pos = np.searchsorted(self._bi_keys, keys)
            pos[pos == self._bi_keys.size] = 0
            hit = self._bi_keys[pos] == keys
            out[hit] = self._bi_ids[pos[hit]]
        miss = np.flatnonzero(out < 0)
        if miss.size == 0:
            return out
        extra = self._bi_extra
        if extra:
            for i in miss.tolist():
                out[i] = extra.get(int(keys[i]), -1)
            miss = np.flatnonzero(out < 0)
        if not grow or miss.size == 0:
            return out
        uniq, inv = np.unique(keys[miss], return_inverse=True)
        start = len(self._term_a)
        new_ids = np.arange(start, start + uniq.size, dtype=np.int64)
        out[miss] = new_ids[inv]
        if self._n_main == 0 and not extra:
            # the first fit: phrases go straight into the sorted table
            self._bi_keys = np.concatenate([self._bi_keys, uniq])
            self._bi_ids = np.concatenate([self._bi_ids, new_ids])
            order = np.argsort(self._bi_keys, kind="stable")
            self._bi_keys, self._bi_ids = self._bi_keys[order], self._bi_ids[order]
        else:
            extra.update(zip(uniq.tolist(), new_ids.tolist(), strict=True))
        self._new_terms(
            [""] * uniq.size,
            (uniq >> _SHIFT).astype(np.int32),
            (uniq & 0xFFFFFFFF).astype(np.int32),
        )
        return out

    def _append(self, docs: list[Document]) -> None:
        ids = [d.id for d in docs]
        if len(set(ids)) != len(ids):
            raise ValueError("document ids must be unique")
        clash = [i for i in ids if i in self._slot]
        if clash:
            raise ValueError(f"already in the matcher: {clash[:5]}")
        enc = self._encode(docs, grow=True)
        mat = enc.rows
        assert enc.types is not None
        first = len(self._ids)
        self._ids.extend(ids)
        self._slot.update((doc_id, first + i) for i, doc_id in enumerate(ids))
        self._live.extend(np.ones(len(ids), bool))
        self._dl.extend(enc.dl)
        base = self._r_indptr.view()[-1]
        self._r_indptr.extend(mat.indptr[1:] + base)
        self._r_terms.extend(mat.indices)
        self._r_tf.extend(mat.data)
        tbase = self._t_indptr.view()[-1]
        self._t_indptr.extend(enc.types.indptr[1:] + tbase)
        self._t_types.extend(enc.types.indices)
        df = self._df_live.view()
        np.add.at(df, mat.indices, 1)
        if self._n_main or self._n_fit:
            # a live index: weigh the new documents with the frozen statistics
            tf = mat.data.astype(np.float32).astype(np.float64)
            rows = np.repeat(np.arange(len(ids)), np.diff(mat.indptr))
            v = self._saturate(tf, enc.dl[rows]) * self._idf_doc.view()[mat.indices]
            self._norm.extend(np.sqrt(np.bincount(rows, weights=v * v, minlength=len(ids))))
            self._added_since += len(ids)
            self._delta = None
        else:
            self._norm.extend(np.zeros(len(ids)))
        self.n_documents_ = len(self._slot)

    # ------------------------------------------------------------------ scoring

    def _query(self, query: Document | str) -> _Query:
        enc = self._encode([query], grow=False)
        row = enc.rows
        terms = row.indices.astype(np.int64)
        counts = row.data.astype(np.float64)
        keep = self._df_live.view()[terms] > 0
        terms, counts = terms[keep], counts[keep]
        weights = counts * self._idf_query.view()[terms]
        nz = weights > 0
        terms, weights = terms[nz], weights[nz]
        norm = math.sqrt(float(weights @ weights)) if weights.size else 0.0
        if norm > 0:
            weights = weights / norm
        forms: dict[int, list[str]] = {}
        ws, ts = enc.words[0], enc.word_terms[0]
        for w, t in zip(ws, ts, strict=True):
            if t >= 0 and w not in forms.setdefault(t, []):
                forms[t].append(w)
        if self.ngram_weight > 0 and len(ts) > 1:
            arr = np.asarray(ts, dtype=np.int64)
            pair = np.flatnonzero((arr[:-1] >= 0) & (arr[1:] >= 0))
            pids = self._phrase_ids((arr[pair] << _SHIFT) | arr[pair + 1], grow=False)
            for i, pid in zip(pair.tolist(), pids.tolist(), strict=True):
                if pid >= 0:
                    phrase = f"{ws[i]} {ws[i + 1]}"
                    if phrase not in forms.setdefault(pid, []):
                        forms[pid].append(phrase)
        return _Query(terms, weights, forms)

    def _delta_index(self) -> tuple[IntArray, Int32Array, Float32Array]:
        """Term-major postings of the documents added since the last refresh (built lazily)."""
        if self._delta is None:
            n_terms = len(self._term_a)
            start = self._n_main
            indptr = self._r_indptr.view()
            lo, hi = int(indptr[start]), int(indptr[-1])
            terms = self._r_terms.view()[lo:hi]
            rows = np.repeat(np.arange(start, len(self._ids)), np.diff(indptr[start:]))
            w = self._weights(rows, terms, self._r_tf.view()[lo:hi])
            order = np.argsort(terms, kind="stable")
            ptr = np.zeros(n_terms + 1, np.int64)
            np.cumsum(np.bincount(terms, minlength=n_terms), out=ptr[1:])
            self._delta = (ptr, rows[order].astype(np.int32), w[order])
        return self._delta

    def _weights(self, rows: IntArray, terms: Int32Array, tf: Float32Array) -> Float32Array:
        """Index weights of (document slot, term) entries, exactly as stored in the index."""
        v = self._saturate(tf.astype(np.float64), self._dl.view()[rows])
        v = v * self._idf_doc.view()[terms]
        out: Float32Array = (v / (self._norm.view()[rows] + self._norm_offset)).astype(np.float32)
        return out

    def _score_one(self, q: _Query) -> FloatArray:
        n = len(self._ids)
        scores = np.zeros(n)
        if q.terms.size == 0:
            return scores
        segments = [(self._c_indptr, self._c_docs, self._c_w)]
        if self._n_main < n:
            segments.append(self._delta_index())
        for ptr, docs, w in segments:
            inside = q.terms < ptr.size - 1
            t = q.terms[inside]
            s, e = ptr[t], ptr[t + 1]
            lens = e - s
            total = int(lens.sum())
            if total == 0:
                continue
            idx = _ranges(s, e)
            contrib = w[idx] * np.repeat(q.weights[inside], lens)
            scores += np.bincount(docs[idx], weights=contrib, minlength=n)
        scores[~self._live.view()] = 0.0
        return scores

    def _score_many(self, queries: list[_Query]) -> list[FloatArray]:
        n = len(self._ids)
        n_terms = len(self._term_a)
        lens = [q.terms.size for q in queries]
        qmat = sp.csr_matrix(
            (
                np.concatenate([q.weights for q in queries]),
                np.concatenate([q.terms for q in queries]).astype(np.int64),
                np.concatenate([[0], np.cumsum(lens)]),
            ),
            shape=(len(queries), n_terms),
        )
        total = sp.csr_matrix((len(queries), n))
        segments = [(self._c_indptr, self._c_docs, self._c_w)]
        if self._n_main < n:
            segments.append(self._delta_index())
        for ptr, docs, w in segments:
            m = ptr.size - 1
            index = sp.csr_matrix((w.astype(np.float64), docs, ptr), shape=(m, n))
            total = total + qmat[:, :m] @ index
        dense = total.toarray()
        dense[:, ~self._live.view()] = 0.0
        return list(dense)

    def _matches(self, q: _Query, scores: FloatArray, k: int, explain: bool) -> list[Match]:
        pos = np.flatnonzero(scores > 0)
        if pos.size > k:
            kth = np.partition(scores[pos], pos.size - k)[pos.size - k]
            pos = pos[scores[pos] >= kth]
        ranked = sorted(pos.tolist(), key=lambda s: (-scores[s], self._ids[s]))[:k]
        return [
            Match(self._ids[s], float(scores[s]), self._explain(q, s) if explain else ())
            for s in ranked
        ]

    def _explain(self, q: _Query, slot: int) -> tuple[MatchedTerm, ...]:
        indptr = self._r_indptr.view()
        lo, hi = int(indptr[slot]), int(indptr[slot + 1])
        terms = self._r_terms.view()[lo:hi]
        pos = np.searchsorted(q.terms, terms)
        pos[pos == q.terms.size] = 0
        shared = q.terms[pos] == terms
        t = terms[shared]
        w = self._weights(np.full(t.size, slot), t, self._r_tf.view()[lo:hi][shared])
        contrib = w.astype(np.float64) * q.weights[pos[shared]]
        order = np.argsort(-contrib, kind="stable")
        t_lo, t_hi = int(self._t_indptr.view()[slot]), int(self._t_indptr.view()[slot + 1])
        doc_types = self._t_types.view()[t_lo:t_hi]
        type_term = self._type_term.view()[doc_types]
        term_a, term_b = self._term_a.view(), self._term_b.view()
        out = []
        for i in order.tolist():
            term = int(t[i])
            qforms = q.forms.get(term, [])
            b = int(term_b[term])
            if b < 0:
                dforms = [self._types[x] for x in doc_types[type_term == term].tolist()]
            else:
                a = int(term_a[term])
                firsts = [self._types[x] for x in doc_types[type_term == a].tolist()]
                seconds = [self._types[x] for x in doc_types[type_term == b].tolist()]
                dforms = [f"{x} {y}" for x in firsts for y in seconds]
            both = [f for f in qforms if f in dforms]
            label = both[0] if both else (qforms[0] if qforms else self._term_key(term))
            out.append(MatchedTerm(label, float(contrib[i]), tuple(qforms), tuple(dforms)))
        return tuple(out)

    def _unit_rows(self, slots: IntArray) -> sp.csr_matrix:
        """Cosine-normalised document vectors (no pivot) of ``slots`` as CSR rows."""
        indptr = self._r_indptr.view()
        idx = _ranges(indptr[slots], indptr[slots + 1])
        lens = (indptr[slots + 1] - indptr[slots]).astype(np.int64)
        rows = np.repeat(slots, lens)
        terms = self._r_terms.view()[idx]
        v = self._saturate(self._r_tf.view()[idx].astype(np.float64), self._dl.view()[rows])
        v = v * self._idf_doc.view()[terms]
        norm = self._norm.view()[rows]
        v = np.divide(v, norm, out=np.zeros_like(v), where=norm > 0)
        return sp.csr_matrix(
            (v, terms, np.concatenate([[0], np.cumsum(lens)])),
            shape=(slots.size, len(self._term_a)),
        )


def _ranges(starts: IntArray, ends: IntArray) -> IntArray:
    """Concatenation of ``arange(s, e)`` for each pair, without a Python loop."""
    lens = (ends - starts).astype(np.int64)
    total = int(lens.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    offsets = np.cumsum(lens) - lens
    out: IntArray = np.arange(total, dtype=np.int64) + np.repeat(starts - offsets, lens)
    return out
