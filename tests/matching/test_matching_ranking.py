"""The fast ranking path (approximate product, then exact rescoring) against a full exact scan."""

import random
from collections.abc import Callable

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import matching.matcher as matcher_module
from matching import Document, TfidfMatcher
from matching.matcher import _F32_ULP

WORDS = [
    "older",
    "people",
    "elderly",
    "residents",
    "falls",
    "sensor",
    "sensors",
    "bins",
    "organisation",
    "organization",
    "road",
    "roads",
    "pothole",
    "lighting",
    "street",
    "council",
    "housing",
    "damp",
    "mould",
    "transport",
    "bus",
    "route",
    "routes",
    "care",
    "home",
    "homes",
    "alarm",
    "alarms",
    "the",
    "and",
    "of",
    "to",
    "in",
]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

texts = st.lists(st.sampled_from(WORDS), min_size=1, max_size=15).map(" ".join)


def full_scan(m: TfidfMatcher, query: Document | str, k: int) -> list[tuple[str, float]]:
    """Exact scores of every live document, best first, ties by id: the reference ranking."""
    q = m._query(query)
    slots = np.flatnonzero(m._live.view())
    exact = m._exact(q, slots)
    ranked = sorted(
        (
            (m._ids[s], float(e))
            for s, e in zip(slots.tolist(), exact.tolist(), strict=True)
            if e > 0
        ),
        key=lambda p: (-p[1], p[0]),
    )
    return ranked[:k]


def ranking(m: TfidfMatcher, query: Document | str, k: int) -> list[tuple[str, float]]:
    return [(h.doc_id, h.score) for h in m.rank(query, k=k)]


@SETTINGS
@given(
    st.lists(texts, min_size=1, max_size=30),
    st.lists(texts, max_size=5),
    st.lists(st.integers(0, 29), max_size=5),
    texts,
    st.integers(1, 8),
)
def test_rank_equals_a_full_exact_scan(
    base: list[str], extra: list[str], drop: list[int], query: str, k: int
) -> None:
    base = [*base[:-1], base[-1] + " housing"]  # fit needs one indexable word
    m = TfidfMatcher(refit_threshold=10.0).fit(
        [Document(f"d{i}", text=t) for i, t in enumerate(base)]
    )
    m.add([Document(f"e{i}", text=t) for i, t in enumerate(extra)])
    m.remove({f"d{i}" for i in drop if i < len(base)})
    assert ranking(m, query, k) == full_scan(m, query, k)
    assert [[(h.doc_id, h.score) for h in r] for r in m.rank_many([query, query], k=k)] == [
        full_scan(m, query, k)
    ] * 2


@SETTINGS
@given(st.lists(texts, min_size=2, max_size=30), texts, st.integers(1, 5), st.randoms())
def test_any_approximation_within_the_rounding_bound_gives_the_exact_ranking(
    base: list[str], query: str, k: int, rnd: random.Random
) -> None:
    # the candidate step must tolerate the worst error the single-precision product can make
    base = [*base[:-1], base[-1] + " housing"]
    m = TfidfMatcher().fit([Document(f"d{i}", text=t) for i, t in enumerate(base)])
    q = m._query(query)
    slots = np.arange(len(base))
    bound = (q.terms.size + 3) * _F32_ULP
    exact = m._exact(q, slots)
    noise = np.array([rnd.uniform(-bound, bound) for _ in slots])
    approx = np.where(exact > 0, np.maximum(exact + noise, 1e-30), 0.0)
    hits = m._select(q, approx, k, m._kth(approx, k), 0.0)
    assert hits is not None
    got = [(m._ids[s], score) for s, score in hits]
    assert got == full_scan(m, query, k)


@SETTINGS
@given(
    st.lists(texts, min_size=1, max_size=40),
    st.lists(texts, max_size=4),
    texts,
    st.integers(1, 6),
    st.sampled_from([(0.05, 0.15, 500), (0.3, 5.0, 3), (0.5, 50.0, 100), (5.0, 0.5, 1)]),
)
def test_leaving_weak_terms_out_of_the_product_never_changes_the_ranking(
    base: list[str], extra: list[str], query: str, k: int, tuning: tuple[float, float, int]
) -> None:
    # bounds for every term, and skip budgets from modest to reckless, so that the pruned path
    # and both of its fallbacks run: all must give the full scan's hits and scores
    budget, share, cap = tuning
    base = [*base[:-1], base[-1] + " housing"]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(matcher_module, "_BOUND_MIN_DF", 1)
        mp.setattr(matcher_module, "_SKIP_BUDGET", budget)
        mp.setattr(matcher_module, "_SKIP_SHARE", share)
        mp.setattr(matcher_module, "_MAX_CANDIDATES", cap)
        mp.setattr(matcher_module, "_KTH_BLOCK", 2)
        m = TfidfMatcher(refit_threshold=10.0).fit(
            [Document(f"d{i}", text=t) for i, t in enumerate(base)]
        )
        m.add([Document(f"e{i}", text=t) for i, t in enumerate(extra)])
        m.remove([f"d{i}" for i in range(0, len(base), 3)])
        assert m._ub_terms.size > 0
        assert ranking(m, query, k) == full_scan(m, query, k)


def test_tied_documents_are_ordered_by_id_even_when_k_cuts_through_the_tie() -> None:
    docs = [Document(f"p{i:02d}", text="street lighting repair") for i in range(25)]
    docs.append(Document("other", text="street bins"))
    m = TfidfMatcher().fit(random.Random(3).sample(docs, len(docs)))
    hits = m.rank("street lighting", k=5)
    assert [h.doc_id for h in hits] == ["p00", "p01", "p02", "p03", "p04"]
    assert len({h.score for h in hits}) == 1


def test_a_refresh_after_additions_and_removals_ranks_as_a_fresh_fit() -> None:
    base = [Document(f"d{i}", text=f"street lighting column {i} repair works") for i in range(10)]
    more = [
        Document("n1", text="solar lamp upgrade for street lighting"),
        Document("n2", text="lamp posts and solar panels"),
        Document("n3", text="bus shelter solar lamp"),
    ]
    m = TfidfMatcher(refit_threshold=0.2).fit(base)
    m.add(more)
    m.remove(["d0", "d1"])
    queries = ["solar lamp street lighting", "column repair", "bus shelter"]
    got = [ranking(m, q, 20) for q in queries]  # the first query refreshes the statistics
    fresh = TfidfMatcher(refit_threshold=0.2).fit(base[2:] + more)
    want = [ranking(fresh, q, 20) for q in queries]
    assert [[d for d, _ in r] for r in got] == [[d for d, _ in r] for r in want]
    for g, w in zip(got, want, strict=True):
        assert np.allclose([s for _, s in g], [s for _, s in w], atol=1e-12)
    # the phrases only the removed documents held are forgotten, as a fresh fit never saw them
    assert m.model_version_ == fresh.model_version_


def test_the_vocabulary_is_numbered_the_same_whatever_the_document_order() -> None:
    docs = [Document(f"d{i}", text=t) for i, t in enumerate(["bus route", "route planning", "bus"])]
    a = TfidfMatcher().fit(docs)
    b = TfidfMatcher().fit(docs[::-1])
    assert a._stems == b._stems
    assert a._bi_keys.tolist() == b._bi_keys.tolist()


def test_words_added_after_the_fit_are_found_by_later_additions_and_queries() -> None:
    m = TfidfMatcher(refit_threshold=10.0).fit([Document("a", text="street lighting")])
    m.add([Document("b", text="solar lamp posts")])
    m.add([Document("c", text="solar lamp bins")])
    assert {t.term for t in m.rank("solar lamp", k=5)[0].terms} == {"solar", "lamp", "solar lamp"}
    assert [h.doc_id for h in m.rank("solar lamp bins", k=5)] == ["c", "b"]


def test_an_index_rebuilt_from_a_saved_file_keeps_pending_additions(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "m.npz"
    m = TfidfMatcher(refit_threshold=10.0).fit([Document("a", text="street lighting")])
    m.add([Document("b", text="solar lamp posts")])
    m.save(path)
    loaded = TfidfMatcher.load(path)
    loaded.add([Document("c", text="solar lamp bins")])
    m.add([Document("c", text="solar lamp bins")])
    assert loaded.rank_many(["solar lamp", "bins"]) == m.rank_many(["solar lamp", "bins"])


def test_muted_fields_and_negative_weights() -> None:
    docs = [Document("a", "Bins", "collection", fields={"notes": "recycling"})]
    muted = TfidfMatcher(field_weights={"notes": 0.0}).fit(docs)
    assert muted.rank("recycling") == []
    with pytest.raises(ValueError, match="field weights"):
        TfidfMatcher(field_weights={"title": -1.0}).fit(docs)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]) | st.floats(0, 1), max_size=300),
    st.integers(1, 12),
    st.sampled_from([1, 2, 3, 8, 256]),
)
def test_the_kth_largest_value_is_found_whatever_the_block_size(
    values: list[float], k: int, block: int
) -> None:
    # small blocks make the block-maximum shortcut run on small arrays, with ties and zeros
    approx = np.array(values, np.float32)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(matcher_module, "_KTH_BLOCK", block)
        got = TfidfMatcher._kth(approx, k)
    if approx.size == 0:
        assert got == 0.0
    else:
        assert got == float(np.sort(approx)[::-1][min(k, approx.size) - 1])


def test_the_kth_largest_of_a_large_array_takes_the_block_shortcut() -> None:
    rng = np.random.default_rng(7)
    approx = rng.random(100_003).astype(np.float32)
    approx[rng.integers(0, approx.size, 50_000)] = 0.0
    for k in (1, 10, 390, 391, 1000):
        assert TfidfMatcher._kth(approx, k) == float(np.sort(approx)[::-1][k - 1])


def test_the_kth_largest_is_found_when_the_largest_values_sit_in_the_last_partial_block() -> None:
    # 1,000 values make 3 whole blocks of 256 and a tail of 232 that no block maximum covers
    approx = np.full(1_000, 0.1, np.float32)
    approx[-5:] = [0.9, 0.8, 0.7, 0.6, 0.5]
    for k in (1, 3, 5, 6):
        assert TfidfMatcher._kth(approx, k) == float(np.sort(approx)[::-1][k - 1])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 49), max_size=60), st.integers(0, 2**32 - 1))
def test_gathering_rows_by_slices_and_by_index_arithmetic_agree(rows: list[int], seed: int) -> None:
    rng = np.random.default_rng(seed)
    indptr = np.concatenate([[0], np.cumsum(rng.integers(0, 6, 50))]).astype(np.int64)
    columns = (rng.integers(0, 1_000, int(indptr[-1])), rng.random(int(indptr[-1])))
    picked = np.array(rows, np.int64)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(matcher_module, "_FEW_ROWS", 0)
        owner_a, cols_a = matcher_module._take_rows(picked, indptr, columns)
        mp.setattr(matcher_module, "_FEW_ROWS", 1_000)
        owner_b, cols_b = matcher_module._take_rows(picked, indptr, columns)
    assert np.array_equal(owner_a, owner_b)
    for a, b in zip(cols_a, cols_b, strict=True):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    expected = [columns[0][indptr[r] : indptr[r + 1]] for r in rows]
    assert np.array_equal(cols_a[0], np.concatenate([np.zeros(0, np.int64), *expected]))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.integers(1, 60), st.floats(0.01, 0.9), st.integers(0, 2**32 - 1))
def test_the_in_place_postings_product_matches_the_copying_one(
    n_terms: int, n_docs: int, density: float, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    dense = np.where(rng.random((n_terms, n_docs)) < density, rng.random((n_terms, n_docs)), 0)
    index = sp.csr_matrix(dense.astype(np.float32))
    terms = np.flatnonzero(rng.random(n_terms) < 0.5).astype(np.int64)
    weights = rng.random(terms.size).astype(np.float32)
    got = matcher_module._postings_product(index, terms, weights)
    want = index[terms].T @ weights
    assert got.dtype == np.float32
    # the same products, added in another order: equal up to single-precision rounding
    np.testing.assert_allclose(got, want, rtol=0, atol=(terms.size + 1) * 2.0**-23)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 30), st.integers(1, 40), st.integers(0, 5), st.integers(0, 2**32 - 1))
@pytest.mark.parametrize("kernel", ["in place", "copying"])
def test_the_postings_product_adds_into_the_scores_it_is_given(
    kernel: str, n_terms: int, n_docs: int, extra: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    dense = np.where(rng.random((n_terms, n_docs)) < 0.3, rng.random((n_terms, n_docs)), 0)
    index = sp.csr_matrix(dense.astype(np.float32))
    terms = np.flatnonzero(rng.random(n_terms) < 0.5).astype(np.int64)
    weights = rng.random(terms.size).astype(np.float32)
    # the main block's scores are the leading part of a longer array (documents added since)
    scores = rng.random(n_docs + extra).astype(np.float32)
    before = scores.copy()
    with pytest.MonkeyPatch.context() as mp:
        if kernel == "copying":
            mp.setattr(matcher_module, "_gapless_kernel", lambda: None)
        got = matcher_module._postings_product(index, terms, weights, scores[:n_docs])
    assert np.shares_memory(got, scores)
    want = before[:n_docs] + dense[terms].T.astype(np.float32) @ weights
    # float32 sums of up to terms + 1 values: each rounding within one unit of the largest sum
    bound = (terms.size + 2) * 2.0**-23 * float(max(want.max(initial=0.0), 1.0))
    np.testing.assert_allclose(scores[:n_docs], want, rtol=0, atol=bound)
    assert np.array_equal(scores[n_docs:], before[n_docs:])


def test_the_in_place_product_is_used_only_when_scipys_kernel_behaves_as_relied_on() -> None:
    from scipy.sparse import _sparsetools

    assert matcher_module._gapless_kernel() is not None  # this scipy: the fast path runs
    check = matcher_module._gapless_kernel.__wrapped__

    def monotonic_only(n_row: int, n_col: int, ap: np.ndarray, *rest: object) -> None:
        if np.any(np.diff(ap) < 0):
            raise ValueError("column pointers must not decrease")

    def kernel_that(*, adds: bool, clears: bool) -> Callable[..., None]:
        """A kernel that reads spans as relied on but overwrites instead of adding, or clears
        the scores it is given first."""

        def fake(
            n_row: int,
            n_col: int,
            ap: np.ndarray,
            ai: np.ndarray,
            ax: np.ndarray,
            x: np.ndarray,
            y: np.ndarray,
        ) -> None:
            if clears:
                y[:] = 0
            for j in range(n_col):
                for i in range(int(ap[j]), int(ap[j + 1])):
                    y[ai[i]] = (y[ai[i]] if adds else 0) + ax[i] * x[j]

        return fake

    with pytest.MonkeyPatch.context() as mp:
        fakes = (
            monotonic_only,
            kernel_that(adds=False, clears=False),
            kernel_that(adds=True, clears=True),
        )
        for fake in fakes:
            mp.setattr(_sparsetools, "csc_matvec", fake)
            assert check() is None
        mp.setattr(matcher_module, "_gapless_kernel", lambda: None)
        index = sp.csr_matrix(np.eye(3, dtype=np.float32))
        terms = np.array([0, 2], np.int64)
        got = matcher_module._postings_product(index, terms, np.ones(2, np.float32))
        assert got.tolist() == [1.0, 0.0, 1.0]


def test_the_in_place_product_matches_the_copying_one_on_a_large_index() -> None:
    # the kernel's behaviour is checked once on a tiny matrix; a scipy upgrade that handled
    # large inputs otherwise (split across threads by column pointers, say) must fail here
    rng = np.random.default_rng(11)
    n_terms, n_docs = 3_000, 50_000
    index = sp.random(n_terms, n_docs, density=0.002, format="csr", dtype=np.float32, rng=rng)
    terms = np.unique(rng.integers(0, n_terms, 400)).astype(np.int64)
    weights = rng.random(terms.size).astype(np.float32)
    got = matcher_module._postings_product(index, terms, weights)
    want = index[terms].T @ weights
    np.testing.assert_allclose(got, want, rtol=0, atol=(terms.size + 1) * 2.0**-23)
    assert np.count_nonzero(want) > 10_000


@settings(max_examples=30, deadline=None)
@given(st.sampled_from([2, 3, 8, 64]), st.integers(0, 2**32 - 1))
def test_phrases_are_found_by_blocks_as_by_a_binary_search(block: int, seed: int) -> None:
    rng = random.Random(seed)
    docs = [
        Document(f"d{i}", text=" ".join(rng.choices(WORDS, k=rng.randint(3, 12))))
        for i in range(40)
    ]
    m = TfidfMatcher().fit(docs)
    known = m._bi_keys
    assert known.size > 8
    # every known key, its neighbours, and keys before the first and after the last
    keys = np.concatenate([known, known - 1, known + 1, [0, int(known[-1]) + 2**33]])
    keys = keys[rng.sample(range(keys.size), keys.size)].astype(np.int64)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(matcher_module, "_FEW_PHRASES", 0)
        searched = m._phrase_ids(keys, grow=False)
        mp.setattr(matcher_module, "_FEW_PHRASES", 10**6)
        mp.setattr(matcher_module, "_PHRASE_BLOCK", block)
        m._firsts = None
        by_blocks = m._phrase_ids(keys, grow=False)
    assert np.array_equal(by_blocks, searched)
    ids = {key: m._n_uni + i for i, key in enumerate(known.tolist())}
    assert searched.tolist() == [ids.get(key, -1) for key in keys.tolist()]


def test_scores_agree_with_the_postings_when_term_ids_pass_the_low_bits_table() -> None:
    # over 65,536 terms, so that many term ids share their low 16 bits: the rescoring's table of
    # the query's low bits must let every shared term through and no other
    rng = np.random.default_rng(11)
    words = [f"w{i}" for i in range(30_000)]
    docs = [
        Document(f"d{i}", text=" ".join(rng.choice(words, size=60).tolist())) for i in range(1_500)
    ]
    m = TfidfMatcher().fit(docs)
    assert len(m._df_live) > 65_536 + 30_000
    for doc in docs[:5]:
        q = m._query(doc.text)
        assert int(q.terms.max()) > 65_536
        hits = m.rank(doc.text, k=len(docs))
        slots = np.array([m._ids.index(h.doc_id) for h in hits])
        # the same scores from the term-major postings (single precision, so within rounding)
        from_postings = (m._index[q.terms].T @ q.weights)[slots]
        np.testing.assert_allclose([h.score for h in hits], from_postings, rtol=0, atol=1e-6)
        assert hits[0].doc_id == doc.id


def test_phrases_are_found_after_a_refresh_renumbers_them() -> None:
    rng = random.Random(5)
    novel = [f"novel{i}" for i in range(30)]

    def text(extra: list[str]) -> str:
        return " ".join(rng.choices(WORDS + extra, k=12))

    base = [Document(f"d{i}", text=text([])) for i in range(200)]
    more = [Document(f"n{i}", text=text(novel)) for i in range(60)]
    queries = [text(novel) for _ in range(20)]
    m = TfidfMatcher(refit_threshold=0.2).fit(base)
    assert m._bi_keys.size > 4 * matcher_module._PHRASE_BLOCK  # looked up by blocks
    keys_before = m._bi_keys
    for q in queries:
        m.rank(q)
    m.add(more)
    got = [ranking(m, q, 10) for q in queries]  # the first one refreshes: phrases renumbered
    assert m._bi_keys is not keys_before
    fresh = TfidfMatcher(refit_threshold=0.2).fit(base + more)
    want = [ranking(fresh, q, 10) for q in queries]
    assert [[d for d, _ in r] for r in got] == [[d for d, _ in r] for r in want]
    for g, w in zip(got, want, strict=True):
        assert np.allclose([s for _, s in g], [s for _, s in w], atol=1e-12)
