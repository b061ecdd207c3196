"""Properties that must hold for any corpus, checked on generated ones."""

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import Document, TfidfMatcher

WORDS = [
    "older",
    "people",
    "elderly",
    "residents",
    "falls",
    "fall",
    "sensor",
    "sensors",
    "bins",
    "organisation",
    "organization",
    "colour",
    "color",
    "road",
    "roads",
    "pothole",
    "the",
    "and",
    "of",
    "lighting",
    "street",
    "council",
    "housing",
    "damp",
    "mould",
    "transport",
    "bus",
    "école",
    "مدينة",
    "🚦",
    "-",
    "!!",
    "2024",
    "x",
]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

texts = st.lists(st.sampled_from(WORDS), min_size=0, max_size=12).map(" ".join)


@st.composite
def corpora(draw: st.DrawFn, min_size: int = 1) -> list[Document]:
    n = draw(st.integers(min_size, 8))
    docs = [Document(f"d{i}", draw(texts), draw(texts)) for i in range(n)]
    # at least one indexable word, as fit requires
    return [*docs[:-1], Document(docs[-1].id, docs[-1].title, docs[-1].text + " housing")]


queries = st.one_of(texts, st.builds(Document, st.just("q"), texts, texts))


def scores(m: TfidfMatcher, query: Document | str) -> dict[str, float]:
    return {h.doc_id: h.score for h in m.rank(query, k=50)}


@SETTINGS
@given(corpora(), queries, st.randoms(use_true_random=False))
def test_document_order_does_not_change_any_score(
    docs: list[Document], query: Document | str, rnd: random.Random
) -> None:
    shuffled = list(docs)
    rnd.shuffle(shuffled)
    a = scores(TfidfMatcher().fit(docs), query)
    b = scores(TfidfMatcher().fit(shuffled), query)
    assert a.keys() == b.keys()
    for doc_id, score in a.items():
        assert abs(score - b[doc_id]) < 1e-9


@SETTINGS
@given(corpora(), st.lists(texts, min_size=1, max_size=4), st.lists(queries, max_size=4))
def test_adding_then_removing_documents_restores_every_ranking(
    docs: list[Document], extra_texts: list[str], qs: list[Document | str]
) -> None:
    m = TfidfMatcher().fit(docs)
    probes: list[Document | str] = [*qs, *docs]
    before = m.rank_many(probes)
    extra = [Document(f"new{i}", text=t) for i, t in enumerate(extra_texts)]
    m.add(extra)
    m.rank_many(probes)  # may refresh the statistics in between; must not matter
    m.remove([d.id for d in extra])
    assert m.rank_many(probes) == before


@SETTINGS
@given(corpora(), st.lists(texts, max_size=3), queries)
def test_scores_stay_in_the_unit_interval_and_explanations_add_up(
    docs: list[Document], extra_texts: list[str], query: Document | str
) -> None:
    m = TfidfMatcher(refit_threshold=10.0).fit(docs)
    m.add([Document(f"new{i}", text=t) for i, t in enumerate(extra_texts)])
    for probe in [query, *docs]:
        for hit in m.rank(probe, k=50):
            assert 0.0 < hit.score <= 1.0
            assert abs(sum(t.weight for t in hit.terms) - hit.score) < 1e-6
            assert all(t.weight > 0 and t.query_forms and t.doc_forms for t in hit.terms)


@SETTINGS
@given(corpora(), st.lists(queries, min_size=2, max_size=5))
def test_batch_ranking_agrees_with_one_at_a_time(
    docs: list[Document], qs: list[Document | str]
) -> None:
    m = TfidfMatcher().fit(docs)
    for query, hits in zip(qs, m.rank_many(qs, k=5), strict=True):
        single = m.rank(query, k=5)
        assert [h.doc_id for h in hits] == [h.doc_id for h in single]
        assert all(abs(a.score - b.score) < 1e-12 for a, b in zip(hits, single, strict=True))


@SETTINGS
@given(corpora(), st.lists(texts, max_size=3), queries, st.randoms(use_true_random=False))
def test_explaining_chosen_documents_gives_exactly_what_a_ranking_gives_them(
    docs: list[Document], extra_texts: list[str], query: Document | str, rnd: random.Random
) -> None:
    m = TfidfMatcher(refit_threshold=10.0).fit(docs)
    m.add([Document(f"new{i}", text=t) for i, t in enumerate(extra_texts)])
    ranked = {h.doc_id: h for h in m.rank(query, k=50)}
    # any indexed documents, matching or not, in any order, some twice
    ids = [d.id for d in docs] + [f"new{i}" for i in range(len(extra_texts))]
    chosen = rnd.sample(ids, rnd.randint(0, len(ids))) + rnd.sample(ids, 1)
    explained = m.explain(query, chosen)
    assert [e.doc_id for e in explained] == chosen
    for e in explained:
        if e.doc_id in ranked:
            assert e == ranked[e.doc_id]  # score and every term, to the bit
        else:
            assert e.score == 0.0 and e.terms == ()
