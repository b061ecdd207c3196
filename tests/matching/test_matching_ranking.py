"""The fast ranking path (approximate product, then exact rescoring) against a full exact scan."""

import random

import numpy as np
import pytest
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
