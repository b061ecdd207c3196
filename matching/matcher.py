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

How a ranking is found
----------------------
The postings of the query's terms (the documents holding each term, with its weight there) are
summed into an approximate score for every document in one single-precision sparse product: one
pass over those postings, read in place, and no other document is touched. The k-th best
approximate score is found from the maxima of groups of 256 scores (the k-th largest group
maximum bounds it from below, leaving a few dozen scores to look at). The documents whose
approximate score lies within the product's rounding bound of the k-th best are then scored
exactly, in double precision, from their own rows of term counts, always adding the shared terms
in the same (term-number) order. The ``k`` hits and their scores are therefore exactly those of a
full double-precision scan; a document's score never depends on which other documents are
indexed; and each hit's term contributions, computed from the same row, add up to its score.

A long query also holds many common words, each with long postings and a small weight. For
every term held by more than 0.1 % of the documents the index keeps its largest weight, so a
query term's largest possible contribution is known. The weakest terms, up to a small total of
such bounds (and never more than 15 % of the k-th best score the product finds), are left out of
the product (as in MaxScore), and the rescoring window is widened by that total: a document
that could still reach the top k on those terms is rescored exactly like the others. When the
window would hold too many documents, the skipped terms are scored after all. Skipping changes
the work done, never the result.

Corpus statistics and updates
-----------------------------
The corpus statistics (IDF, average length, mean norm) are computed by :meth:`TfidfMatcher.fit`
and frozen. :meth:`~TfidfMatcher.add` and :meth:`~TfidfMatcher.remove` update the index
immediately using the frozen statistics, so they never disturb the scores of the other documents:
adding documents and removing them again leaves every ranking exactly as it was. The statistics
are refreshed lazily, by the first query after the live corpus has drifted from the fitted one by
more than ``refit_threshold`` (default 10 %) of the fitted documents, counting both additions and
removals. A refresh reuses the stored term counts (no re-tokenising), costs time linear in the
index size, renumbers the vocabulary in its canonical order (words alphabetically, then phrases)
and leaves the matcher ranking exactly as a fresh ``fit`` on its live documents would.

What the index holds
--------------------
Per document: its row of term counts (term numbers, int32, and field-weighted counts, float32)
and the distinct word types it contains (int32, for explanations in the document's own
wording); its length, norm and liveness. Per term: the inverted postings (document numbers,
int32, and weights, float32) of the documents indexed at the last refresh, its live document
frequency (int32) and document-side IDF (float64); for frequent terms, their largest weight.
The vocabulary is a list of stems and a sorted array of phrase keys (two stem numbers packed in
an int64), plus the word types seen. Documents added since the last refresh sit in small
growable arrays beside the main ones.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain, pairwise, repeat
from os import PathLike
from typing import Any, Self

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.base import BaseEstimator

from matching._grow import GrowableArray
from matching.text import STOP_WORDS, Analyzer
from matching.types import Document, Match, MatchedTerm, matched_terms

__all__ = ["FORMAT_VERSION", "TfidfMatcher"]

FORMAT_VERSION = 2
_DEFAULT_FIELD_WEIGHTS: Mapping[str, float] = {"title": 2.0, "text": 1.0}
_SHIFT = np.int64(32)
_LOW = np.int64(0xFFFFFFFF)
# documents tokenised per batch: bounds the Python strings alive at once while fitting
_CHUNK = 2048
# Room kept in the per-term and per-document arrays after a refresh, as a share of their size:
# additions then append in place until the next refresh (at 10 % drift by default) is near.
_SPARE = 0.1
# one unit in the last place of a float32 in [0.5, 1): the rounding unit of the approximate scores
_F32_ULP = 2.0**-23
# Query terms whose largest possible contributions add up to at most _SKIP_BUDGET are left out
# of the first product, and of the rest no more than _SKIP_SHARE of the k-th best score then
# found. Only speed depends on these: the documents near the top are rescored exactly.
_SKIP_BUDGET = 0.005
_SKIP_SHARE = 0.15
# bounds are kept for terms in at least this many documents (and 0.1 % of them)
_BOUND_MIN_DF = 64
# _kth first takes the maximum of each group of this many values
_KTH_BLOCK = 256
# a query's terms are first looked for among a row's by this many low bits of their ids
_LOW_BITS = (1 << 16) - 1
# rows gathered by slicing rather than by index arithmetic up to this many
_FEW_ROWS = 32
# phrase keys are looked up by blocks of this many (see _phrase_ids) for up to _FEW_PHRASES keys
_PHRASE_BLOCK = 64
_FEW_PHRASES = 4096
# beyond this many documents to rescore, scoring every term in the product is cheaper
_MAX_CANDIDATES = 500
# up to this many documents, rank_many scores a batch of queries in one sparse product; beyond
# it, one query at a time (skipping terms as above) is faster
_BATCH_DOCS = 20_000

IntArray = npt.NDArray[np.int64]
Int32Array = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]
Float32Array = npt.NDArray[np.float32]


@dataclass(slots=True)
class _Rows:
    """Documents as rows of term counts (sorted by term) and of the word types they contain."""

    indptr: IntArray
    terms: Int32Array
    tf: Float32Array
    t_indptr: IntArray
    types: Int32Array


@dataclass(slots=True)
class _Query:
    terms: IntArray  # sorted term ids
    weights: FloatArray  # unit-length query vector
    w32: Float32Array  # the same in single precision, for the approximate product
    words: list[str]  # the query's words in order
    word_terms: IntArray  # term of each word; -1 for stop words and words not in the corpus
    pair_pos: IntArray  # positions i where words i and i + 1 form an indexed phrase
    pair_terms: IntArray  # that phrase's term id
    forms: dict[int, tuple[str, ...]] | None = None  # term id -> the query's own forms (lazily)
    # the last exact scoring: slots (ascending), and each shared term's slot position, term and
    # contribution
    scored: tuple[IntArray, IntArray, IntArray, FloatArray] | None = None
    # which values of a term id's low bits some query term has (lazily)
    low: npt.NDArray[np.bool_] | None = None

    def low_bits(self) -> npt.NDArray[np.bool_]:
        if self.low is None:
            self.low = np.zeros(_LOW_BITS + 1, bool)
            self.low[self.terms & _LOW_BITS] = True
        return self.low


def _empty_rows() -> _Rows:
    return _Rows(
        np.zeros(1, np.int64),
        np.zeros(0, np.int32),
        np.zeros(0, np.float32),
        np.zeros(1, np.int64),
        np.zeros(0, np.int32),
    )


class TfidfMatcher(BaseEstimator):  # type: ignore[misc]
    """Rank documents for a query by TF-IDF similarity, and explain every score.

    Parameters
    ----------
    field_weights : Mapping of str to float, optional
        How much a word counts in each field, for documents and queries alike. Defaults to
        ``{"title": 2.0, "text": 1.0}``; fields in ``Document.fields`` not named here count 1.
        A field weighted 0 is ignored.
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
        if self._main.terms.size == 0:
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
        if len(parsed) == 1 or len(self._ids) > _BATCH_DOCS:
            return [self._matches(q, self._top(q, k), explain) for q in parsed]
        out: list[list[Match]] = []
        # bound the dense score block to about 16 M floats
        step = max(1, 16_000_000 // max(len(self._ids), 1))
        for start in range(0, len(parsed), step):
            chunk = parsed[start : start + step]
            for q, approx in zip(chunk, self._approx_many(chunk), strict=True):
                hits = self._select(q, approx, k, self._kth(approx, k), 0.0)
                assert hits is not None  # nothing was skipped
                out.append(self._matches(q, hits, explain))
        return out

    def explain(self, query: Document | str, doc_ids: Sequence[str]) -> list[Match]:
        """The matches of the documents ``doc_ids`` for ``query``, with their explanations.

        For explaining a few hits of a ranking made with ``explain=False`` (one page of many
        search results, say) without explaining them all: each document's score and terms
        are exactly those :meth:`rank` gives it.

        Parameters
        ----------
        query : Document or str
            As for :meth:`rank`.
        doc_ids : sequence of str
            Indexed documents, in the order wanted.

        Returns
        -------
        list of Match
            One per id, in the order of ``doc_ids``; a document sharing no term with the
            query has score 0 and no terms.

        Raises
        ------
        KeyError
            If an id is not indexed (never added, or removed).

        Examples
        --------
        >>> m = TfidfMatcher().fit([Document("a", text="pothole repair"), Document("b", text="x")])
        >>> ids = [h.doc_id for h in m.rank("repair potholes", explain=False)]
        >>> [(t.term, round(t.weight, 3)) for t in m.explain("repair potholes", ids)[0].terms]
        [('potholes', 0.332), ('repair', 0.332)]
        >>> m.explain("repair potholes", ["b"])[0].score
        0.0
        """
        self._check_fitted()
        unknown = [i for i in doc_ids if i not in self._slot]
        if unknown:
            raise KeyError(f"not an indexed document: {unknown[0]!r}")
        if not doc_ids:
            return []
        self._maybe_refresh()  # as a ranking would, so the scores are the same
        q = self._query(query)
        wanted = np.fromiter((self._slot[i] for i in doc_ids), np.int64, len(doc_ids))
        # scored once each and in slot order, as a ranking's rescoring does
        slots, back = np.unique(wanted, return_inverse=True)
        scores = self._exact(q, slots)
        hits = list(zip(slots.tolist(), scores.tolist(), strict=True))
        matches = self._matches(q, hits, True)
        return [matches[j] for j in back.ravel().tolist()]

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
        if not wanted:
            return self
        slots = np.array([self._slot.pop(doc_id) for doc_id in wanted], dtype=np.int64)
        self._live.view()[slots] = False
        self._n_dead += slots.size
        _, terms, _ = self._gather(slots)
        np.subtract.at(self._df_live.view(), terms, 1)
        added = int((slots >= self._n_main).sum())
        self._added_since -= added
        self._removed_since += slots.size - added
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
            "stems": self._stems,
            "n_uni": self._n_uni,
            "n_main": self._n_main,
            "n_fit": self._n_fit,
            "n_dead": self._n_dead,
            "added_since": self._added_since,
            "removed_since": self._removed_since,
            "avgdl": self._avgdl,
            "norm_offset": self._norm_offset,
            "idf_new_doc": self._idf_new_doc,
            "model_version": self.model_version_,
        }
        index = self._index
        arrays: dict[str, npt.NDArray[Any]] = {
            "header": np.frombuffer(json.dumps(header).encode("utf-8"), dtype=np.uint8),
            "live": self._live.view(),
            "dl": self._dl.view(),
            "norm": self._norm.view(),
            "m_indptr": self._main.indptr,
            "m_terms": self._main.terms,
            "m_tf": self._main.tf,
            "m_tindptr": self._main.t_indptr,
            "m_types": self._main.types,
            "d_indptr": self._d_indptr.view(),
            "d_terms": self._d_terms.view(),
            "d_tf": self._d_tf.view(),
            "d_tindptr": self._d_tindptr.view(),
            "d_types": self._d_types.view(),
            "type_term": self._type_term.view(),
            "bi_keys": self._bi_keys,
            "xa": self._xa.view(),
            "xb": self._xb.view(),
            "df_live": self._df_live.view(),
            "idf_doc": self._idf_doc.view(),
            "c_indptr": index.indptr,
            "c_docs": index.indices,
            "c_w": index.data,
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
        m._stems = list(header["stems"])
        m._term_id = {s: i for i, s in enumerate(m._stems)}
        m._n_uni = int(header["n_uni"])
        m._bi_keys = a["bi_keys"].astype(np.int64)
        m._phrase_firsts()  # part of the index from the start (and of its measured size)
        m._n_canon = m._n_uni + int(m._bi_keys.size)
        m._xa = GrowableArray(np.int32, a["xa"])
        m._xb = GrowableArray(np.int32, a["xb"])
        for i, (xa, xb) in enumerate(zip(a["xa"].tolist(), a["xb"].tolist(), strict=True)):
            t = m._n_canon + i
            if xb < 0:
                m._term_id[m._stems[xa]] = t
            else:
                m._bi_extra[(xa << 32) | xb] = t
        live = a["live"].astype(bool)
        m._slot = {m._ids[s]: int(s) for s in np.flatnonzero(live)}
        m._live = GrowableArray(np.bool_, live)
        m._dl = GrowableArray(np.float64, a["dl"])
        m._norm = GrowableArray(np.float64, a["norm"])
        m._main = _Rows(
            a["m_indptr"].astype(np.int64),
            a["m_terms"].astype(np.int32),
            a["m_tf"].astype(np.float32),
            a["m_tindptr"].astype(np.int64),
            a["m_types"].astype(np.int32),
        )
        m._d_indptr = GrowableArray(np.int64, a["d_indptr"])
        m._d_terms = GrowableArray(np.int32, a["d_terms"])
        m._d_tf = GrowableArray(np.float32, a["d_tf"])
        m._d_tindptr = GrowableArray(np.int64, a["d_tindptr"])
        m._d_types = GrowableArray(np.int32, a["d_types"])
        m._type_term = GrowableArray(np.int32, a["type_term"])
        m._df_live = GrowableArray(np.int32, a["df_live"])
        m._idf_doc = GrowableArray(np.float64, a["idf_doc"])
        m._n_main = int(header["n_main"])
        m._n_fit = int(header["n_fit"])
        m._n_dead = int(header["n_dead"])
        m._index = sp.csr_matrix(
            (a["c_w"].astype(np.float32), a["c_docs"], a["c_indptr"]),
            shape=(a["c_indptr"].size - 1, m._n_main),
        )
        m._keep_bounds()
        m._added_since = int(header["added_since"])
        m._removed_since = int(header["removed_since"])
        m._avgdl = float(header["avgdl"])
        m._norm_offset = float(header["norm_offset"])
        m._idf_new_doc = float(header["idf_new_doc"])
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
        if self.field_weights is not None and any(w < 0 for w in self.field_weights.values()):
            raise ValueError("field weights must be >= 0")

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
        # vocabulary: word types, and the term each maps to (-1 for a stop word)
        self._types: list[str] = []
        self._type_id: dict[str, int] = {}
        self._type_term = GrowableArray(np.int32)
        # terms in canonical order since the last refresh: stems 0 .. n_uni - 1 (sorted), then
        # phrases n_uni .. n_canon - 1 in the order of their sorted keys (a << 32 | b)
        self._stems: list[str] = []
        self._term_id: dict[str, int] = {}  # stem -> term id
        self._n_uni = 0
        self._bi_keys = np.zeros(0, np.int64)
        self._firsts: tuple[IntArray, IntArray] | None = None  # see _phrase_firsts
        self._n_canon = 0
        # terms first seen since the last refresh (ids from n_canon on): a stem (xa = index in
        # _stems, xb = -1) or a phrase (xa, xb = its two stems' term ids)
        self._xa = GrowableArray(np.int32)
        self._xb = GrowableArray(np.int32)
        self._bi_extra: dict[int, int] = {}  # phrase key -> id, for those extra phrases
        self._df_live = GrowableArray(np.int32)
        self._idf_doc = GrowableArray(np.float64)
        # documents (slots): those before _n_main are in _main and the inverted index
        self._ids: list[str] = []
        self._slot: dict[str, int] = {}
        self._live = GrowableArray(np.bool_)
        self._dl = GrowableArray(np.float64)
        self._norm = GrowableArray(np.float64)
        self._main = _empty_rows()
        self._d_indptr = GrowableArray(np.int64, [0])
        self._d_terms = GrowableArray(np.int32)
        self._d_tf = GrowableArray(np.float32)
        self._d_tindptr = GrowableArray(np.int64, [0])
        self._d_types = GrowableArray(np.int32)
        self._index = sp.csr_matrix((0, 0), dtype=np.float32)
        self._ub_terms = np.zeros(0, np.int64)  # frequent terms, and their largest weights
        self._ub_max = np.zeros(0, np.float32)
        # frozen statistics
        self._idf_new_doc = 1.0
        self._avgdl = 1.0
        self._norm_offset = 0.0
        self._n_fit = 0
        self._n_main = 0
        self._n_dead = 0
        self._added_since = 0
        self._removed_since = 0
        self._delta: tuple[IntArray, IntArray, IntArray, Float32Array] | None = None

    def _maybe_refresh(self) -> None:
        drift = self._added_since + self._removed_since
        if drift > self.refit_threshold * max(self._n_fit, 1) and self._slot:
            self._refresh()

    def _refresh(self) -> None:
        """Recompute the corpus statistics from the live documents and rebuild the index."""
        rows = self._compact()
        n = len(self._ids)
        terms = rows.terms
        df = np.bincount(terms, minlength=len(self._df_live))
        mapping = self._canonical_terms(df)
        if mapping is not None:
            terms = mapping[terms].astype(np.int32)
            # put each row back in term order
            mat = sp.csr_matrix((rows.tf, terms, rows.indptr), shape=(n, self._n_canon))
            mat.has_sorted_indices = False
            mat.sort_indices()
            rows.terms, rows.tf = mat.indices.astype(np.int32), mat.data.astype(np.float32)
            terms = rows.terms
            df = np.bincount(terms, minlength=self._n_canon)
        n_terms = df.size
        # a term no live document holds is weighed as a new one, exactly as a fresh fit would
        # weigh it if it turned up again
        idf = np.log((1.0 + n) / (1.0 + np.maximum(df, 1))) + 1.0
        if self.max_df < 1.0:
            idf[df > self.max_df * n] = 0.0
        idf_doc = idf**self.doc_idf_power
        self._idf_doc = GrowableArray(np.float64, idf_doc, _SPARE)
        self._idf_new_doc = (math.log((1.0 + n) / 2.0) + 1.0) ** self.doc_idf_power
        dl = self._dl.view()
        self._avgdl = float(dl.mean()) if n and dl.mean() > 0 else 1.0
        doc_of = np.repeat(np.arange(n, dtype=np.int32), np.diff(rows.indptr))
        v = self._saturate(rows.tf.astype(np.float64), dl[doc_of]) * idf_doc[terms]
        norm = np.sqrt(np.bincount(doc_of, weights=v * v, minlength=n))
        self._norm = GrowableArray(np.float64, norm, _SPARE)
        positive = norm[norm > 0]
        self._norm_offset = self.pivot * float(positive.mean()) if positive.size else 0.0
        v /= norm[doc_of] + self._norm_offset
        del doc_of
        w = v.astype(np.float32)
        del v
        # the term-major (inverted) copy: a linear-time transpose, documents ascending per term
        inverted = sp.csr_matrix((w, terms, rows.indptr), shape=(n, n_terms)).tocsc()
        self._index = sp.csr_matrix(
            (inverted.data, inverted.indices, inverted.indptr), shape=(n_terms, n)
        )
        self._keep_bounds()
        self._df_live = GrowableArray(np.int32, df, _SPARE)
        self._dl = GrowableArray(np.float64, dl, _SPARE)
        self._live = GrowableArray(np.bool_, self._live.view(), _SPARE)
        self._type_term = GrowableArray(np.int32, self._type_term.view(), _SPARE)
        self._main = rows
        self._delta = None
        self._n_fit = n
        self._n_main = n
        self._added_since = 0
        self._removed_since = 0
        self.n_documents_ = n
        self.model_version_ = self._fingerprint(df)

    def _compact(self) -> _Rows:
        """All live documents' rows as one block, dropping removed ones and renumbering slots."""
        live = np.flatnonzero(self._live.view())
        nm = self._n_main
        if live.size == nm and nm == len(self._ids):
            return self._main
        owner, terms, tf = self._gather(live)
        t_owner, types = self._gather_types(live)
        indptr = np.zeros(live.size + 1, np.int64)
        np.cumsum(np.bincount(owner, minlength=live.size), out=indptr[1:])
        t_indptr = np.zeros(live.size + 1, np.int64)
        np.cumsum(np.bincount(t_owner, minlength=live.size), out=t_indptr[1:])
        self._dl = GrowableArray(np.float64, self._dl.view()[live])
        self._ids = [self._ids[s] for s in live.tolist()]
        self._slot = {doc_id: s for s, doc_id in enumerate(self._ids)}
        self._live = GrowableArray(np.bool_, np.ones(live.size, bool))
        self._n_dead = 0
        self._d_indptr = GrowableArray(np.int64, [0])
        self._d_terms = GrowableArray(np.int32)
        self._d_tf = GrowableArray(np.float32)
        self._d_tindptr = GrowableArray(np.int64, [0])
        self._d_types = GrowableArray(np.int32)
        self._delta = None
        return _Rows(indptr, terms, tf, t_indptr, types)

    def _canonical_terms(self, df: IntArray) -> IntArray | None:
        """Renumber the vocabulary canonically; the old -> new term map, or None if unchanged.

        Stems come first in sorted order, then the phrases that some live document holds,
        sorted by key. A phrase no live document holds is forgotten, as a fresh fit would.
        """
        n_old = df.size
        dead = (df[self._n_uni : self._n_canon] == 0).any()
        if n_old == self._n_canon and not dead:
            return None
        stems = sorted(self._term_id)
        old_uni = np.fromiter(map(self._term_id.__getitem__, stems), np.int64, count=len(stems))
        mapping = np.full(n_old, -1, np.int64)
        mapping[old_uni] = np.arange(len(stems))
        # every phrase of the old numbering: (old id, first stem's old id, second stem's old id)
        keys = self._bi_keys
        xa, xb = self._xa.view().astype(np.int64), self._xb.view().astype(np.int64)
        extra = np.flatnonzero(xb >= 0)
        pid = np.concatenate([np.arange(self._n_uni, self._n_canon), self._n_canon + extra])
        pa = np.concatenate([keys >> _SHIFT, xa[extra]])
        pb = np.concatenate([keys & _LOW, xb[extra]])
        held = df[pid] > 0
        new_keys = (mapping[pa[held]] << _SHIFT) | mapping[pb[held]]
        order = np.argsort(new_keys)
        mapping[pid[held][order]] = len(stems) + np.arange(order.size)
        if np.array_equal(mapping, np.arange(n_old)):
            mapping_or_none: IntArray | None = None
        else:
            mapping_or_none = mapping
        self._stems = stems
        self._term_id = {s: i for i, s in enumerate(stems)}
        self._n_uni = len(stems)
        self._bi_keys = new_keys[order]
        self._phrase_firsts()
        self._n_canon = self._n_uni + order.size
        self._xa = GrowableArray(np.int32)
        self._xb = GrowableArray(np.int32)
        self._bi_extra = {}
        if mapping_or_none is not None:
            tt = self._type_term.view()
            content = tt >= 0
            tt[content] = mapping[tt[content]]
        return mapping_or_none

    def _fingerprint(self, df: IntArray) -> str:
        """A digest of the parameters and of every held term's statistics.

        The vocabulary is in canonical order here, so the digest does not depend on document
        order; terms no live document holds are left out, so it equals a fresh fit's.
        """
        h = hashlib.sha256()
        params = {k: repr(v) for k, v in sorted(self.get_params().items())}
        h.update(json.dumps(params, sort_keys=True).encode())
        h.update(f"{FORMAT_VERSION}|{self._n_fit}|{self._avgdl!r}|{self._norm_offset!r}".encode())
        held = df > 0
        stem_held = held[: self._n_uni]
        h.update(
            "\n".join(s for s, k in zip(self._stems, stem_held.tolist(), strict=True) if k).encode()
        )
        rank = np.cumsum(stem_held) - 1
        keys = self._bi_keys[held[self._n_uni : self._n_canon]]
        h.update(((rank[keys >> _SHIFT] << _SHIFT) | rank[keys & _LOW]).tobytes())
        h.update(np.ascontiguousarray(self._idf_doc.view()[held]).tobytes())
        return f"tfidf-{FORMAT_VERSION}-{h.hexdigest()[:16]}"

    def _phrase_parts(self, t: int) -> tuple[int, int] | None:
        """The two stems' term ids of phrase ``t``; None for a single-word term."""
        if t < self._n_uni:
            return None
        if t < self._n_canon:
            key = int(self._bi_keys[t - self._n_uni])
            return key >> 32, key & 0xFFFFFFFF
        b = int(self._xb.view()[t - self._n_canon])
        if b < 0:
            return None
        return int(self._xa.view()[t - self._n_canon]), b

    def _term_key(self, t: int) -> str:
        parts = self._phrase_parts(t)
        if parts is None:
            stem = t if t < self._n_uni else int(self._xa.view()[t - self._n_canon])
            return self._stems[stem]
        return self._term_key(parts[0]) + " " + self._term_key(parts[1])

    def _saturate(self, tf: FloatArray, dl: FloatArray) -> FloatArray:
        k1, b = self.k1, self.b
        out: FloatArray = tf * (k1 + 1.0) / (tf + k1 * (1.0 - b + b * dl / self._avgdl))
        return out

    # ------------------------------------------------------------------ encoding

    def _fields(self, doc: Document | str) -> list[tuple[str, float]]:
        """The non-empty texts of ``doc`` with their weights; fields weighted 0 are left out."""
        fw = self._field_weights
        w_text = fw.get("text", 1.0)
        if isinstance(doc, str):
            return [(doc, w_text)] if doc and w_text > 0 else []
        out = []
        w_title = fw.get("title", 1.0)
        if doc.title and w_title > 0:
            out.append((doc.title, w_title))
        if doc.text and w_text > 0:
            out.append((doc.text, w_text))
        for name in sorted(doc.fields) if doc.fields else ():
            weight = fw.get(name, 1.0)
            if doc.fields[name] and weight > 0:
                out.append((doc.fields[name], weight))
        return out

    def _tokenise(
        self, docs: Sequence[Document]
    ) -> tuple[Int32Array, IntArray, IntArray, FloatArray]:
        """Word-type ids of every token (new words join the vocabulary) and, for each non-empty
        field, its number of tokens, its document and its weight."""
        type_id = self._type_id
        types = self._types
        words = self._analyzer.words
        parts: list[Int32Array] = []
        seg_len: list[int] = []
        seg_doc: list[int] = []
        seg_w: list[float] = []
        for start in range(0, len(docs), _CHUNK):
            segs: list[list[str]] = []
            for d in range(start, min(start + _CHUNK, len(docs))):
                for text, weight in self._fields(docs[d]):
                    ws = words(text)
                    if ws:
                        segs.append(ws)
                        seg_doc.append(d)
                        seg_w.append(weight)
            if not segs:
                continue
            lens = list(map(len, segs))
            seg_len.extend(lens)
            for w in sorted(set(chain.from_iterable(segs)).difference(type_id)):
                type_id[w] = len(types)
                types.append(w)
            flat = map(type_id.__getitem__, chain.from_iterable(segs))
            parts.append(np.fromiter(flat, np.int32, count=sum(lens)))
        tokens = np.concatenate(parts) if parts else np.zeros(0, np.int32)
        return (
            tokens,
            np.asarray(seg_len, np.int64),
            np.asarray(seg_doc, np.int64),
            np.asarray(seg_w, np.float64),
        )

    def _map_new_types(self) -> None:
        done = len(self._type_term)
        new = self._types[done:]
        if not new:
            return
        stems = self._analyzer.analyse(new)
        term_id = self._term_id
        fresh = sorted({s for s in stems if s is not None and s not in term_id})
        if fresh:
            first = len(self._df_live)
            term_id.update(zip(fresh, range(first, first + len(fresh)), strict=True))
            self._xa.extend(np.arange(len(self._stems), len(self._stems) + len(fresh)))
            self._xb.extend(np.full(len(fresh), -1))
            self._stems.extend(fresh)
            self._new_terms(len(fresh))
        mapped = (-1 if s is None else term_id[s] for s in stems)
        self._type_term.extend(np.fromiter(mapped, np.int32, count=len(stems)))

    def _new_terms(self, count: int) -> None:
        self._df_live.extend(np.zeros(count, np.int32))
        self._idf_doc.extend(np.full(count, self._idf_new_doc))

    def _phrase_firsts(self) -> IntArray:
        """The first key of each block of ``_PHRASE_BLOCK`` sorted phrase keys, kept with them
        (built when they are set, and again here if they have changed since)."""
        cached = self._firsts
        if cached is None or cached[0] is not self._bi_keys:
            cached = self._firsts = (self._bi_keys, self._bi_keys[::_PHRASE_BLOCK].copy())
        return cached[1]

    def _phrase_ids(self, keys: IntArray, grow: bool) -> IntArray:
        """Term ids of two-word phrase keys; -1 for unknown ones unless ``grow``."""
        out = np.full(keys.size, -1, dtype=np.int64)
        if keys.size == 0:
            return out
        known = self._bi_keys
        if known.size > _PHRASE_BLOCK and keys.size <= _FEW_PHRASES:
            # a query's phrases: find each key's block of the sorted keys from every block's
            # first key (a small array), then compare the key with its whole block at once.
            # A binary search of the long array waits on one cache miss after another; the
            # blocks' loads are independent.
            firsts = self._phrase_firsts()
            block = np.searchsorted(firsts, keys, side="right") - 1
            np.maximum(block, 0, out=block)
            whole = known.size // _PHRASE_BLOCK
            # keys past the last whole block are looked for in the rest below; a key matches
            # at most one key of its block
            tail = np.flatnonzero(block >= whole)
            block[tail] = 0
            rows = known[: whole * _PHRASE_BLOCK].reshape(whole, _PHRASE_BLOCK)[block]
            i, j = np.divmod(np.flatnonzero(rows == keys[:, None]), _PHRASE_BLOCK)
            out[i] = self._n_uni + block[i] * _PHRASE_BLOCK + j
            if tail.size:
                start = whole * _PHRASE_BLOCK
                rest = known[start:]
                pos = np.minimum(np.searchsorted(rest, keys[tail]), rest.size - 1)
                found = rest[pos] == keys[tail]
                out[tail[found]] = self._n_uni + start + pos[found]
        elif known.size:
            # looked up in sorted order, each search starts where the last one ended
            by_key = np.argsort(keys)
            pos = np.empty(keys.size, np.int64)
            pos[by_key] = np.searchsorted(known, keys[by_key])
            np.minimum(pos, known.size - 1, out=pos)
            hit = known[pos] == keys
            out[hit] = self._n_uni + pos[hit]
        miss = np.flatnonzero(out < 0)
        if miss.size and self._bi_extra:
            get = self._bi_extra.get
            found = np.fromiter((get(k, -1) for k in keys[miss].tolist()), np.int64, miss.size)
            out[miss] = found
            miss = miss[found < 0]
        if not grow or miss.size == 0:
            return out
        uniq, inv = np.unique(keys[miss], return_inverse=True)
        start = len(self._df_live)
        out[miss] = start + inv.ravel()
        if self._n_fit:
            # a live index: later batches must find these phrases before the next refresh
            self._bi_extra.update(zip(uniq.tolist(), range(start, start + uniq.size), strict=True))
        self._xa.extend(uniq >> _SHIFT)
        self._xb.extend(uniq & _LOW)
        self._new_terms(uniq.size)
        return out

    def _encode(self, docs: Sequence[Document]) -> tuple[_Rows, FloatArray]:
        """Rows of field-weighted term counts of ``docs``; new words and phrases join the
        vocabulary. Also returns each document's field-weighted number of content words."""
        tokens, seg_len, seg_doc, seg_w = self._tokenise(docs)
        self._map_new_types()
        n = len(docs)
        if tokens.size == 0:
            rows = _empty_rows()
            rows.indptr = np.zeros(n + 1, np.int64)
            rows.t_indptr = np.zeros(n + 1, np.int64)
            return rows, np.zeros(n)
        tt = self._type_term.view()[tokens]
        content = tt >= 0
        seg_of = np.repeat(np.arange(seg_len.size, dtype=np.int32), seg_len)
        doc32 = seg_doc.astype(np.int32)
        c_seg = seg_of[content]
        c_doc = doc32[c_seg]
        c_w = seg_w[c_seg]
        dl: FloatArray = np.bincount(c_doc, c_w, n).astype(np.float64, copy=False)
        # distinct word types per document, with their weighted counts
        by_type = sp.coo_matrix((c_w, (c_doc, tokens[content])), shape=(n, len(self._types)))
        by_type = by_type.tocsr()
        del c_seg, c_doc, c_w
        n_per = np.diff(by_type.indptr)
        doc_col = [np.repeat(np.arange(n, dtype=np.int32), n_per)]
        term_col = [self._type_term.view()[by_type.indices]]
        val_col = [by_type.data]
        if self.ngram_weight > 0 and tokens.size > 1:
            ok = content[:-1] & content[1:]
            boundary = np.cumsum(seg_len)[:-1] - 1  # last token of each field but the last
            ok[boundary] = False
            first = np.flatnonzero(ok)
            keys = (tt[first].astype(np.int64) << _SHIFT) | tt[first + 1]
            pids = self._phrase_ids(keys, grow=True)
            doc_col.append(doc32[seg_of[first]])
            term_col.append(pids.astype(np.int32))
            val_col.append(seg_w[seg_of[first]] * self.ngram_weight)
            del ok, first, keys, pids
        del tt, content, seg_of
        mat = sp.coo_matrix(
            (np.concatenate(val_col), (np.concatenate(doc_col), np.concatenate(term_col))),
            shape=(n, len(self._df_live)),
        ).tocsr()
        # copies: summing duplicates leaves scipy's arrays as views of longer buffers
        rows = _Rows(
            mat.indptr.astype(np.int64),
            mat.indices.astype(np.int32),
            mat.data.astype(np.float32),
            by_type.indptr.astype(np.int64),
            by_type.indices.astype(np.int32),
        )
        return rows, dl

    def _append(self, docs: list[Document]) -> None:
        ids = [d.id for d in docs]
        if len(set(ids)) != len(ids):
            raise ValueError("document ids must be unique")
        clash = [i for i in ids if i in self._slot]
        if clash:
            raise ValueError(f"already in the matcher: {clash[:5]}")
        rows, dl = self._encode(docs)
        first = len(self._ids)
        self._ids.extend(ids)
        self._slot.update((doc_id, first + i) for i, doc_id in enumerate(ids))
        self._live.extend(np.ones(len(ids), bool))
        self._dl.extend(dl)
        df = self._df_live.view()
        if rows.terms.size > df.size // 8:
            df += np.bincount(rows.terms, minlength=df.size).astype(np.int32)
        else:
            np.add.at(df, rows.terms, 1)
        if not self._n_fit:
            # the first fit: these rows become the main block, weighed by the refresh to come
            self._main = rows
            self._n_main = len(ids)
            self._norm.extend(np.zeros(len(ids)))
            return
        # a live index: weigh the new documents with the frozen statistics
        doc_of = np.repeat(np.arange(len(ids)), np.diff(rows.indptr))
        v = self._saturate(rows.tf.astype(np.float64), dl[doc_of])
        v = v * self._idf_doc.view()[rows.terms]
        self._norm.extend(np.sqrt(np.bincount(doc_of, weights=v * v, minlength=len(ids))))
        self._d_indptr.extend(rows.indptr[1:] + self._d_indptr.view()[-1])
        self._d_terms.extend(rows.terms)
        self._d_tf.extend(rows.tf)
        self._d_tindptr.extend(rows.t_indptr[1:] + self._d_tindptr.view()[-1])
        self._d_types.extend(rows.types)
        self._added_since += len(ids)
        self._delta = None
        self.n_documents_ = len(self._slot)

    # ------------------------------------------------------------------ rows

    def _gather(self, slots: IntArray) -> tuple[IntArray, Int32Array, Float32Array]:
        """The rows of ``slots``: for every entry, its position in ``slots``, term and count.

        Each row's entries stay together and in term order.
        """
        main = self._main
        owner, (terms, tf) = self._take(
            slots,
            (main.indptr, main.terms, main.tf),
            (self._d_indptr.view(), self._d_terms.view(), self._d_tf.view()),
        )
        return owner, terms, tf

    def _gather_types(self, slots: IntArray) -> tuple[IntArray, Int32Array]:
        """The distinct word types of ``slots``, as for :meth:`_gather`."""
        main = self._main
        owner, (types,) = self._take(
            slots, (main.t_indptr, main.types), (self._d_tindptr.view(), self._d_types.view())
        )
        return owner, types

    def _take(
        self,
        slots: IntArray,
        main: tuple[IntArray, *tuple[npt.NDArray[Any], ...]],
        delta: tuple[IntArray, *tuple[npt.NDArray[Any], ...]],
    ) -> tuple[IntArray, list[npt.NDArray[Any]]]:
        """Rows of ``slots`` from the main block or the added documents' block, each given as
        (indptr, *columns): the position in ``slots`` of every entry, and the columns' values."""
        nm = self._n_main
        if slots.size == 0 or int(slots.max()) < nm:
            return _take_rows(slots, main[0], main[1:])
        if int(slots.min()) >= nm:
            return _take_rows(slots - nm, delta[0], delta[1:])
        inside = np.flatnonzero(slots < nm)
        outside = np.flatnonzero(slots >= nm)
        o1, c1 = _take_rows(slots[inside], main[0], main[1:])
        o2, c2 = _take_rows(slots[outside] - nm, delta[0], delta[1:])
        owner = np.concatenate([inside[o1], outside[o2]])
        return owner, [np.concatenate([a, b]) for a, b in zip(c1, c2, strict=True)]

    # ------------------------------------------------------------------ scoring

    def _query(self, query: Document | str) -> _Query:
        words: list[str] = []
        seg_w: list[float] = []
        seg_len: list[int] = []
        for text, weight in self._fields(query):
            ws = self._analyzer.words(text)
            if ws:
                words.extend(ws)
                seg_w.append(weight)
                seg_len.append(len(ws))
        none = np.zeros(0, np.int64)
        if not words:
            return _Query(none, np.zeros(0), np.zeros(0, np.float32), [], none, none, none)
        # each word's type, then its term, looked up without a Python step per word
        types = np.fromiter(map(self._type_id.get, words, repeat(-1)), np.int64, len(words))
        unknown = np.flatnonzero(types < 0)
        known = unknown.size < types.size
        word_terms = self._type_term.view()[types].astype(np.int64) if known else types
        if unknown.size:
            # words the corpus never had may still share a stem with one it has
            stems = self._analyzer.terms([words[i] for i in unknown.tolist()])
            get = self._term_id.get
            word_terms[unknown] = [-1 if s is None else get(s, -1) for s in stems]
        lens = np.asarray(seg_len, np.int64)
        tok_w = np.repeat(np.asarray(seg_w, np.float64), lens)
        content = word_terms >= 0
        all_t = [word_terms[content]]
        all_w = [tok_w[content]]
        pair_pos = pair_terms = none
        if self.ngram_weight > 0 and word_terms.size > 1:
            ok = content[:-1] & content[1:]
            if lens.size > 1:
                ok[np.cumsum(lens)[:-1] - 1] = False  # no phrase spans two fields
            pos = np.flatnonzero(ok)
            keys = (word_terms[pos] << _SHIFT) | word_terms[pos + 1]
            pids = self._phrase_ids(keys, grow=False)
            found = pids >= 0
            pair_pos, pair_terms = pos[found], pids[found]
            all_t.append(pair_terms)
            all_w.append(tok_w[pair_pos] * self.ngram_weight)
        terms, inv = _unique_inverse(np.concatenate(all_t))
        counts = np.bincount(inv, weights=np.concatenate(all_w), minlength=terms.size)
        keep = self._df_live.view()[terms] > 0
        if not keep.all():
            terms, counts = terms[keep], counts[keep]
        weights = counts * self._query_idf(terms)
        nz = weights > 0
        if not nz.all():
            terms, weights = terms[nz], weights[nz]
        norm = math.sqrt(float(weights @ weights)) if weights.size else 0.0
        if norm > 0:
            weights = weights / norm
        w32 = weights.astype(np.float32)
        return _Query(terms, weights, w32, words, word_terms, pair_pos, pair_terms)

    def _query_idf(self, terms: IntArray) -> FloatArray:
        """``idf ** query_idf_power`` from the document frequencies of the last refresh."""
        ptr = self._index.indptr
        inside = terms < ptr.size - 1
        df = np.ones(terms.size)  # a term first seen since counts as seen once
        t = terms[inside]
        df[inside] = np.maximum(ptr[t + 1] - ptr[t], 1)
        n = self._n_fit
        idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
        if self.max_df < 1.0:
            idf[inside & (df > self.max_df * n)] = 0.0
        out: FloatArray = idf**self.query_idf_power
        return out

    def _weights(self, rows: IntArray, terms: Int32Array, tf: Float32Array) -> Float32Array:
        """Index weights of (document slot, term) entries, exactly as stored in the index."""
        v = self._saturate(tf.astype(np.float64), self._dl.view()[rows])
        v = v * self._idf_doc.view()[terms]
        out: Float32Array = (v / (self._norm.view()[rows] + self._norm_offset)).astype(np.float32)
        return out

    def _delta_index(self) -> tuple[IntArray, IntArray, IntArray, Float32Array]:
        """Term-major postings of the documents added since the last refresh (built lazily):
        their sorted terms, each term's start in the postings, and the postings' slots (minus
        the main block's size) and weights."""
        if self._delta is None:
            indptr = self._d_indptr.view()
            terms = self._d_terms.view()
            local = np.repeat(np.arange(indptr.size - 1), np.diff(indptr))
            w = self._weights(local + self._n_main, terms, self._d_tf.view())
            order = np.argsort(terms, kind="stable")
            uniq, starts = np.unique(terms[order], return_index=True)
            ptr = np.append(starts, terms.size).astype(np.int64)
            self._delta = (uniq.astype(np.int64), ptr, local[order], w[order])
        return self._delta

    def _approx_delta(self, q: _Query) -> FloatArray:
        n_delta = len(self._ids) - self._n_main
        uniq, ptr, local, w = self._delta_index()
        if q.terms.size == 0 or uniq.size == 0:
            return np.zeros(n_delta)
        pos = np.minimum(np.searchsorted(uniq, q.terms), uniq.size - 1)
        found = uniq[pos] == q.terms
        lo, hi = ptr[pos[found]], ptr[pos[found] + 1]
        idx = _ranges(lo, hi)
        contrib = w[idx] * np.repeat(q.weights[found], hi - lo)
        out: FloatArray = np.bincount(local[idx], contrib, n_delta).astype(np.float64, copy=False)
        return out

    def _bounds(self, terms: IntArray, weights: FloatArray) -> FloatArray:
        """Each query term's largest possible contribution to a main-block document; infinite
        for the rarer terms, whose bounds are not kept (leaving them out would save little)."""
        ub = np.full(terms.size, np.inf)
        known = self._ub_terms
        if known.size and terms.size:
            pos = np.minimum(np.searchsorted(known, terms), known.size - 1)
            found = known[pos] == terms
            ub[found] = weights[found] * self._ub_max[pos[found]]
        return ub

    def _keep_bounds(self) -> None:
        """Note the largest weight of every term held by more than 0.1 % of the documents."""
        index = self._index
        df = np.diff(index.indptr)
        held = np.flatnonzero(df > 0)
        top = np.zeros(df.size, np.float32)
        if held.size:
            # consecutive held terms' postings are adjacent: one reduction over all of them
            top[held] = np.maximum.reduceat(index.data, index.indptr[held])
        frequent = np.flatnonzero(df >= max(_BOUND_MIN_DF, index.shape[1] // 1000))
        self._ub_terms = frequent.astype(np.int64)
        self._ub_max = top[frequent]

    def _product(
        self, q: _Query, positions: IntArray, out: Float32Array | None = None
    ) -> Float32Array:
        """Approximate scores of the main block over the query terms at ``positions``, added
        to ``out`` (the main block's scores so far) when given."""
        if positions.size == 0:
            return np.zeros(self._n_main, np.float32) if out is None else out
        return _postings_product(self._index, q.terms[positions], q.w32[positions], out)

    def _top(self, q: _Query, k: int) -> list[tuple[int, float]]:
        """The ``k`` best (slot, exact score) pairs for one query, best first.

        The main block is scored by a product that may leave out the query terms that can add
        least (see the module notes); the documents added since the last refresh are scored on
        every term.
        """
        if q.terms.size == 0:
            return []
        inside = np.flatnonzero(q.terms < self._index.shape[0])
        ub = self._bounds(q.terms[inside], q.weights[inside])
        by_bound = np.argsort(ub, kind="stable")
        ladder = np.cumsum(ub[by_bound])  # total bound of the i + 1 weakest terms
        order = inside[by_bound]
        skip = int(np.searchsorted(ladder, _SKIP_BUDGET, side="right"))
        nm = self._n_main
        approx = self._product(q, np.sort(order[skip:]))
        if len(self._ids) > nm:
            approx = np.concatenate([approx, self._approx_delta(q).astype(np.float32)])
        self._drop_removed(approx)
        kth = self._kth(approx, k)
        if skip:
            # skip no more than a small share of the k-th best score: score the rest too (the
            # k-th best found so far stays a lower bound of the true one)
            still = int(np.searchsorted(ladder[:skip], _SKIP_SHARE * kth, side="right"))
            if still < skip:
                self._product(q, np.sort(order[still:skip]), approx[:nm])
                self._drop_removed(approx)
                skip = still
        slack = float(ladder[skip - 1]) if skip else 0.0
        hits = self._select(q, approx, k, kth, slack)
        if hits is None:
            # the skipped terms could matter: score them too
            self._product(q, np.sort(order[:skip]), approx[:nm])
            self._drop_removed(approx)
            hits = self._select(q, approx, k, self._kth(approx, k), 0.0)
            assert hits is not None  # nothing is skipped now
        return hits

    def _drop_removed(self, approx: npt.NDArray[np.floating[Any]]) -> None:
        if self._n_dead:
            approx[~self._live.view()] = 0.0

    @staticmethod
    def _kth(approx: npt.NDArray[np.floating[Any]], k: int) -> float:
        """The k-th largest value (the smallest if there are fewer than k)."""
        n = approx.size
        if n == 0:
            return 0.0
        if k >= n:
            return float(approx.min())
        groups = n // _KTH_BLOCK
        if groups > k:
            # k groups have a maximum at least the k-th largest group maximum, so at least k
            # values do: the k-th largest value is among those values, usually a few dozen.
            # Group j holds every groups-th value from j (a column of ``whole``): any grouping
            # would do, and maxima down columns are taken several at a time, unlike along rows.
            whole = approx[: groups * _KTH_BLOCK].reshape(_KTH_BLOCK, groups)
            tops = whole.max(axis=0)
            floor = np.partition(tops, groups - k)[groups - k]
            # only the groups reaching it (and the values left over) can hold such values
            near = np.concatenate([whole[:, tops >= floor].ravel(), approx[groups * _KTH_BLOCK :]])
            approx = near[near >= floor]
            n = approx.size
        return float(np.partition(approx, n - k)[n - k])

    def _approx_many(self, queries: list[_Query]) -> list[npt.NDArray[np.floating[Any]]]:
        t_main = self._index.shape[0]
        terms, weights, lens = [], [], []
        for q in queries:
            inside = q.terms < t_main
            terms.append(q.terms[inside])
            weights.append(q.w32[inside])
            lens.append(int(inside.sum()))
        indptr = np.concatenate([[0], np.cumsum(lens)])
        qmat = sp.csr_matrix(
            (np.concatenate(weights), np.concatenate(terms), indptr),
            shape=(len(queries), t_main),
            dtype=np.float32,
        )
        dense = (qmat @ self._index).toarray()
        out = []
        for i, q in enumerate(queries):
            row: npt.NDArray[np.floating[Any]] = dense[i]
            if len(self._ids) > self._n_main:
                row = np.concatenate([row, self._approx_delta(q)])
            self._drop_removed(row)
            out.append(row)
        return out

    def _exact(self, q: _Query, slots: IntArray) -> FloatArray:
        """Exact scores of ``slots``: the shared terms' products, added in term order."""
        owner, terms, contrib = self._contributions(q, slots)
        # the explanations of the hits, all among these slots, start from the same products
        q.scored = (slots, owner, terms, contrib)
        out: FloatArray = np.bincount(owner, contrib, slots.size).astype(np.float64, copy=False)
        return out

    def _contributions(self, q: _Query, slots: IntArray) -> tuple[IntArray, IntArray, FloatArray]:
        """Each term ``slots`` share with the query: its slot's position in ``slots``, the term
        and its contribution, slot after slot and in term order within a slot."""
        owner, terms, tf = self._gather(slots)
        if q.terms.size == 0 or terms.size == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        # most of a row's terms are not the query's: a table of the query terms' low bits
        # rules out nearly all of them at once, and only the rest are searched for
        maybe = np.flatnonzero(q.low_bits()[terms & _LOW_BITS])
        terms = terms[maybe]
        pos = np.minimum(np.searchsorted(q.terms, terms), q.terms.size - 1)
        hit = q.terms[pos] == terms
        kept = maybe[hit]
        owner = owner[kept]
        terms = terms[hit]
        w = self._weights(slots[owner], terms, tf[kept])
        contrib = w.astype(np.float64) * q.weights[pos[hit]]
        return owner, terms.astype(np.int64), contrib

    def _contributions_of(
        self, q: _Query, slots: IntArray
    ) -> tuple[IntArray, IntArray, FloatArray]:
        """:meth:`_contributions`, taken from the last exact scoring when it covered ``slots``."""
        if q.scored is not None:
            scored, owner, terms, contrib = q.scored
            at = np.minimum(np.searchsorted(scored, slots), max(scored.size - 1, 0))
            if scored.size and bool((scored[at] == slots).all()):
                remap = np.full(scored.size, -1, np.int64)
                remap[at] = np.arange(slots.size)
                mine = remap[owner]
                keep = mine >= 0
                return mine[keep], terms[keep], contrib[keep]
        return self._contributions(q, slots)

    def _select(
        self, q: _Query, approx: npt.NDArray[np.floating[Any]], k: int, kth: float, slack: float
    ) -> list[tuple[int, float]] | None:
        """The ``k`` best (slot, exact score) pairs, best first, ties broken by id.

        ``approx`` holds approximate scores, ``kth`` the k-th largest of them; ``slack`` bounds
        what the terms left out of them could add to any score. None if that bound leaves too
        many documents in doubt: then the skipped terms must be scored.
        """
        if q.terms.size == 0:
            return []
        # an approximate score is within (terms + 5) float32 rounding units of the exact one
        # (scores are below 1); whatever could reach the k-th best exact score is rescored
        floor = kth - slack * (1 + 1e-6) - 2.0 * (q.terms.size + 5) * _F32_ULP
        if slack > 0 and floor <= 0:
            return None
        cand = np.flatnonzero(approx >= floor) if floor > 0 else np.flatnonzero(approx > 0)
        if slack > 0 and cand.size > _MAX_CANDIDATES:
            return None
        if cand.size == 0:
            return []
        exact = self._exact(q, cand)
        positive = exact > 0
        cand, exact = cand[positive], exact[positive]
        if cand.size > k:
            # keep the k best and whatever ties the k-th, then order those by score and id
            kth_exact = np.partition(exact, cand.size - k)[cand.size - k]
            top = exact >= kth_exact
            cand, exact = cand[top], exact[top]
        ids = self._ids
        ranked = sorted(
            zip(cand.tolist(), exact.tolist(), strict=True), key=lambda p: (-p[1], ids[p[0]])
        )
        return ranked[:k]

    def _matches(self, q: _Query, hits: list[tuple[int, float]], explain: bool) -> list[Match]:
        if not explain:
            return [Match(self._ids[s], score, ()) for s, score in hits]
        slots = np.fromiter((s for s, _ in hits), np.int64, len(hits))
        terms = self._explain(q, slots)
        return [
            Match(self._ids[s], score, explained)
            for (s, score), explained in zip(hits, terms, strict=True)
        ]

    # ------------------------------------------------------------------ explanations

    def _query_forms(self, q: _Query) -> dict[int, tuple[str, ...]]:
        """Term id -> the query's own words (or word pairs) for it, in order of appearance."""
        if q.forms is None:
            forms: dict[int, tuple[str, ...]] = {}
            # the distinct words, in order of first appearance: most terms have one, a few
            # (sensor, sensors) several
            for w, t in dict(zip(q.words, q.word_terms.tolist(), strict=True)).items():
                if t >= 0:
                    forms[t] = (*forms[t], w) if t in forms else (w,)
            words = q.words
            for i, t in zip(q.pair_pos.tolist(), q.pair_terms.tolist(), strict=True):
                pair = f"{words[i]} {words[i + 1]}"
                known = forms.get(t)
                if known is None:
                    forms[t] = (pair,)
                elif pair not in known:
                    forms[t] = (*known, pair)
            q.forms = forms
        return q.forms

    def _phrase_parts_of(self, terms: IntArray) -> tuple[IntArray, IntArray]:
        """The two stems' term ids of each phrase in ``terms``; -1 for single-word terms."""
        a = np.full(terms.size, -1, np.int64)
        b = np.full(terms.size, -1, np.int64)
        canon = (terms >= self._n_uni) & (terms < self._n_canon)
        keys = self._bi_keys[terms[canon] - self._n_uni]
        a[canon], b[canon] = keys >> _SHIFT, keys & _LOW
        extra = np.flatnonzero(terms >= self._n_canon)
        if extra.size:
            i = terms[extra] - self._n_canon
            xb = self._xb.view()[i]
            phrase = xb >= 0
            a[extra[phrase]] = self._xa.view()[i[phrase]]
            b[extra[phrase]] = xb[phrase]
        return a, b

    def _explain(self, q: _Query, slots: IntArray) -> list[tuple[MatchedTerm, ...]]:
        """Every shared term of each of ``slots`` with its contribution, largest first."""
        owner, t, contrib = self._contributions_of(q, slots)
        # within each document, largest contribution first (ties keep term order)
        order = np.lexsort((-contrib, owner))
        owner, t, contrib = owner[order], t[order], contrib[order]
        pa, pb = self._phrase_parts_of(t)
        # the documents' own words: their word types ordered by (document, term), and where
        # the words of each shared term (of a phrase: of each of its two words) lie among them
        span = len(self._df_live) + 1
        t_owner, types = self._gather_types(slots)
        keys = t_owner * span + self._type_term.view()[types]
        by = np.argsort(keys, kind="stable")
        keys, types = keys[by], types[by]
        base = owner * span
        phrase = pa >= 0
        first = base + np.where(phrase, pa, t)
        second = base[phrase] + pb[phrase]
        n, m = first.size, second.size
        # integer keys: a key's words end where the next key's begin
        at = np.searchsorted(keys, np.concatenate([first, first + 1, second, second + 1]))
        lead = types[np.minimum(at, max(types.size - 1, 0))].tolist()
        at_list = at.tolist()
        seconds = zip(
            lead[2 * n : 2 * n + m], at_list[2 * n : 2 * n + m], at_list[2 * n + m :], strict=True
        )
        words = self._types
        none: tuple[str, ...] = ()
        query_forms = self._query_forms(q).get
        labels, qfs, dfs = [], [], []
        for term, is_phrase, x, lo, hi in zip(
            t.tolist(), phrase.tolist(), lead[:n], at_list[:n], at_list[n : 2 * n], strict=True
        ):
            df: tuple[str, ...]
            if is_phrase:
                y, lo2, hi2 = next(seconds)
                if hi - lo == 1 and hi2 - lo2 == 1:
                    df = (f"{words[x]} {words[y]}",)
                else:
                    xs, ys = types[lo:hi].tolist(), types[lo2:hi2].tolist()
                    df = tuple([f"{words[u]} {words[v]}" for u in xs for v in ys])
            elif hi - lo == 1:
                df = (words[x],)
            else:
                df = tuple([words[u] for u in types[lo:hi].tolist()])
            qf = query_forms(term, none)
            # a form both texts use, else the query's own, else the stem
            for label in qf:
                if label in df:
                    break
            else:
                label = qf[0] if qf else self._term_key(term)
            labels.append(label)
            qfs.append(qf)
            dfs.append(df)
        made = matched_terms(labels, contrib.tolist(), qfs, dfs)
        ends = np.cumsum(np.bincount(owner, minlength=slots.size)).tolist()
        return [tuple(made[a:b]) for a, b in pairwise([0, *ends])]

    def _unit_rows(self, slots: IntArray) -> sp.csr_matrix:
        """Cosine-normalised document vectors (no pivot) of ``slots`` as CSR rows."""
        owner, terms, tf = self._gather(slots)
        rows = slots[owner]
        v = self._saturate(tf.astype(np.float64), self._dl.view()[rows])
        v = v * self._idf_doc.view()[terms]
        norm = self._norm.view()[rows]
        v = np.divide(v, norm, out=np.zeros_like(v), where=norm > 0)
        indptr = np.zeros(slots.size + 1, np.int64)
        np.cumsum(np.bincount(owner, minlength=slots.size), out=indptr[1:])
        return sp.csr_matrix((v, terms, indptr), shape=(slots.size, len(self._df_live)))


def _postings_product(
    index: sp.csr_matrix,
    terms: IntArray,
    weights: Float32Array,
    out: Float32Array | None = None,
) -> Float32Array:
    """``index[terms].T @ weights`` for strictly ascending ``terms``, without copying postings;
    added to ``out`` (a contiguous float32 array, updated in place and returned) when given.

    scipy's column-major product kernel adds, for each column ``j``, the entries from
    ``Ap[j]`` up to ``Ap[j + 1]`` times ``x[j]``, and adds nothing when ``Ap[j + 1] <= Ap[j]``.
    Taking the terms in descending order with a zero weight between them, each term's postings
    are read in place: the columns between two terms run backwards and add nothing. The kernel is
    private to scipy, so its behaviour is checked once on a small matrix, and the public product
    (which copies the postings first) is used if it is missing or behaves otherwise.
    """
    kernel = _gapless_kernel()
    ptr = index.indptr
    if kernel is None or terms.size == 0 or index.indices.dtype != ptr.dtype:
        product: Float32Array = index[terms].T @ weights
        if out is None:
            return product
        out += product
        return out
    if out is None:
        out = np.zeros(index.shape[1], np.float32)
    spans, x = _spans(ptr, terms, weights)
    # the kernel adds into ``out`` (y += A x)
    kernel(index.shape[1], x.size, spans, index.indices, index.data, x, out)
    return out


def _spans(
    ptr: npt.NDArray[Any], terms: IntArray, weights: Float32Array
) -> tuple[npt.NDArray[Any], Float32Array]:
    """Column pointers and weights that make the kernel read each term's postings in place."""
    down = terms[::-1]
    spans = np.empty(2 * down.size, ptr.dtype)
    spans[0::2] = ptr[down]
    spans[1::2] = ptr[down + 1]
    x = np.zeros(spans.size - 1, np.float32)
    x[0::2] = weights[::-1]
    return spans, x


@cache
def _gapless_kernel() -> Callable[..., None] | None:
    """scipy's column-major product kernel if it reads spans as :func:`_postings_product`
    relies on, else None."""
    try:
        from scipy.sparse._sparsetools import csc_matvec
    except ImportError:  # pragma: no cover - every supported scipy has it
        return None
    dense = np.array([[1, 0, 2, 0], [0, 3, 0, 0], [4, 5, 0, 6], [0, 7, 8, 9]], np.float32)
    probe = sp.csr_matrix(dense)
    terms = np.array([0, 2, 3], np.int64)
    weights = np.array([0.5, 2.0, 0.25], np.float32)
    spans, x = _spans(probe.indptr, terms, weights)
    # it must add to what ``y`` holds, not overwrite it
    y = np.full(4, 0.5, np.float32)
    try:
        csc_matvec(4, x.size, spans, probe.indices, probe.data, x, y)
    except Exception:  # any failure means the public product is used
        return None
    kernel: Callable[..., None] = csc_matvec
    return kernel if np.array_equal(y, 0.5 + dense[terms].T @ weights) else None


def _take_rows(
    rows: IntArray, indptr: IntArray, columns: tuple[npt.NDArray[Any], ...]
) -> tuple[IntArray, list[npt.NDArray[Any]]]:
    """The entries of ``rows`` of a CSR-like block: each entry's position in ``rows``, and the
    columns' values, row after row."""
    lo, hi = indptr[rows], indptr[rows + 1]
    owner: IntArray = np.repeat(np.arange(rows.size), hi - lo)
    if 0 < rows.size <= _FEW_ROWS:
        # a handful of rows (the hits, the rescored documents): slices beat index arithmetic
        spans = list(zip(lo.tolist(), hi.tolist(), strict=True))
        return owner, [np.concatenate([c[a:b] for a, b in spans]) for c in columns]
    idx = _ranges(lo, hi)
    return owner, [c[idx] for c in columns]


def _unique_inverse(values: IntArray) -> tuple[IntArray, IntArray]:
    """``np.unique(values, return_inverse=True)`` for a short 1-d array, with less overhead."""
    order = values.argsort()
    ordered = values[order]
    first = np.empty(ordered.size, bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    inv = np.empty(values.size, np.int64)
    inv[order] = np.cumsum(first) - 1
    return ordered[first], inv


def _ranges(starts: IntArray, ends: IntArray) -> IntArray:
    """Concatenation of ``arange(s, e)`` for each pair, without a Python loop."""
    lens = (ends - starts).astype(np.int64)
    total = int(lens.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    offsets = np.cumsum(lens) - lens
    out: IntArray = np.arange(total, dtype=np.int64) + np.repeat(starts - offsets, lens)
    return out
