import doctest
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone

import matching
import matching._grow
import matching.evaluate
import matching.matcher
import matching.metrics
import matching.text
import matching.types
from matching import Document, Match, MatchedTerm, TfidfMatcher

PROPOSALS = [
    Document(
        "falls",
        "Falls detection for older people",
        "Floor sensors warn carers when an "
        "elderly resident falls at home, so help arrives within minutes.",
    ),
    Document(
        "bins",
        "Smarter bin collection",
        "Fill-level sensors on litter bins plan the "
        "collection route for refuse lorries and cut fuel use.",
    ),
    Document(
        "potholes",
        "Pothole reporting",
        "Residents photograph potholes; the council's "
        "highways team sees a map of road defects ranked by severity.",
    ),
    Document(
        "loneliness",
        "Befriending app",
        "Volunteers phone isolated older people every week to reduce loneliness.",
    ),
]
CHALLENGE = Document(
    "c1",
    "Reduce harm from falls",
    "Older people living alone fall at home and wait hours for help. We want sensors that detect "
    "falls and alert carers quickly.",
)


@pytest.fixture
def matcher() -> TfidfMatcher:
    return TfidfMatcher().fit(PROPOSALS)


def ranking(m: TfidfMatcher, query: Document | str, k: int = 10) -> list[tuple[str, float]]:
    return [(h.doc_id, h.score) for h in m.rank(query, k=k)]


def test_rank_puts_the_proposal_that_solves_the_stated_problem_first(matcher: TfidfMatcher) -> None:
    hits = matcher.rank(CHALLENGE, k=3)
    assert hits[0].doc_id == "falls"
    assert len(hits) <= 3
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_rank_accepts_plain_text_as_the_query(matcher: TfidfMatcher) -> None:
    assert matcher.rank("potholes in the road")[0].doc_id == "potholes"


def test_rank_returns_only_documents_that_share_a_term(matcher: TfidfMatcher) -> None:
    hits = matcher.rank("refuse lorries")
    assert [h.doc_id for h in hits] == ["bins"]
    assert all(h.score > 0 for h in hits)


def test_empty_and_meaningless_queries_get_an_empty_ranking(matcher: TfidfMatcher) -> None:
    for query in ("", "   \n\t", "!!! ??? ...", "🚦🚲🌳", "the and of", "zzqx unknownword"):
        assert matcher.rank(query) == []
    assert matcher.rank(Document("empty")) == []


def test_fitting_an_empty_corpus_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="empty corpus"):
        TfidfMatcher().fit([])
    with pytest.raises(ValueError, match="no document contains an indexable word"):
        TfidfMatcher().fit([Document("a", text="!!!"), Document("b", text="🚦 the")])


def test_unfitted_matcher_says_so() -> None:
    with pytest.raises(RuntimeError, match="not fitted"):
        TfidfMatcher().rank("anything")


def test_right_to_left_and_emoji_texts_are_indexed() -> None:
    m = TfidfMatcher().fit(
        [Document("ar", text="مدينة ذكية 🚦"), Document("he", text="עיר חכמה"), PROPOSALS[0]]
    )
    assert [h.doc_id for h in m.rank("مدينة")] == ["ar"]
    assert [h.doc_id for h in m.rank("חכמה")] == ["he"]


def test_a_megabyte_document_and_query_are_handled() -> None:
    big = "street lighting columns need replacing across the borough. " * 17_000
    assert len(big) > 1_000_000
    m = TfidfMatcher().fit([Document("big", text=big), *PROPOSALS])
    hits = m.rank(big, k=2)
    assert hits[0].doc_id == "big"
    assert 0 < hits[0].score <= 1


def test_scores_lie_between_zero_and_one(matcher: TfidfMatcher) -> None:
    for doc in [*PROPOSALS, CHALLENGE]:
        for hit in matcher.rank(doc):
            assert 0 < hit.score <= 1
    # a document ranked against itself scores high but never above 1
    assert 0.5 < matcher.rank(PROPOSALS[1])[0].score <= 1


def test_term_contributions_add_up_to_the_score(matcher: TfidfMatcher) -> None:
    for hit in matcher.rank(CHALLENGE):
        assert sum(t.weight for t in hit.terms) == pytest.approx(hit.score, abs=1e-9)
        assert [t.weight for t in hit.terms] == sorted((t.weight for t in hit.terms), reverse=True)


def test_explanations_name_the_words_as_written_in_both_texts() -> None:
    m = TfidfMatcher().fit(
        [Document("a", text="Our organisation supports older people."), Document("b", text="x y")]
    )
    (hit,) = m.rank("Organizations that support older people")
    by_term = {t.term: t for t in hit.terms}
    assert by_term["older people"].doc_forms == ("older people",)
    # no single spelling appears in both texts: the query's own word is shown, both are given
    org = next(t for t in hit.terms if "organizations" in t.query_forms)
    assert org.term == "organizations"
    assert org.doc_forms == ("organisation",)
    support = next(t for t in hit.terms if "support" in t.query_forms)
    assert support.doc_forms == ("supports",)


def test_explanations_give_every_form_each_text_uses_for_a_term() -> None:
    m = TfidfMatcher().fit(
        [
            Document("a", text="A sensor network: sensors watch sensor networks at home."),
            Document("b", text="Falls at home."),
        ]
    )
    (hit,) = m.rank("Networked sensors; sensor networks and a sensors network")
    by_term = {t.term: t for t in hit.terms}
    sensor = next(t for t in hit.terms if "sensors" in t.query_forms)
    # the query's first form that the document uses too, and every form of each side
    assert sensor.term == "sensors"
    assert set(sensor.query_forms) == {"sensors", "sensor"}
    assert set(sensor.doc_forms) == {"sensor", "sensors"}
    pair = next(t for t in hit.terms if " " in t.term and "sensor" in t.term)
    assert set(pair.doc_forms) == {
        "sensor network",
        "sensor networks",
        "sensors network",
        "sensors networks",
    }
    assert pair.term in pair.doc_forms and pair.term in pair.query_forms
    assert sum(t.weight for t in by_term.values()) == pytest.approx(hit.score, abs=1e-9)


def test_matched_terms_are_built_whole_or_refused() -> None:
    built = matching.types.matched_terms(["a", "b c"], [0.5, 0.25], [("a",), ("b c",)], [(), ()])
    assert built == [MatchedTerm("a", 0.5, ("a",), ()), MatchedTerm("b c", 0.25, ("b c",), ())]
    with pytest.raises(ValueError, match="one value per term"):
        matching.types.matched_terms(["a", "b"], [0.5], [(), ()], [(), ()])


def test_title_words_count_more_than_body_words() -> None:
    docs = [
        Document("title", title="Flooding", text="Riverside plan."),
        Document("body", title="Riverside plan", text="Flooding."),
    ]
    assert TfidfMatcher().fit(docs).rank("flooding")[0].doc_id == "title"
    flat = TfidfMatcher(field_weights={"title": 1.0, "text": 1.0}).fit(docs)
    hits = flat.rank("flooding")
    assert hits[0].score == pytest.approx(hits[1].score)


def test_extra_fields_are_indexed_with_their_own_weight() -> None:
    docs = [
        Document("a", text="Sensors for bins", fields={"tags": "recycling"}),
        Document("b", text="Recycling centre opening hours"),
    ]
    assert {h.doc_id for h in TfidfMatcher().fit(docs).rank("recycling")} == {"a", "b"}
    muted = TfidfMatcher(field_weights={"tags": 0.0}).fit(docs)
    assert [h.doc_id for h in muted.rank("recycling")] == ["b"]


def test_two_word_phrases_are_terms_and_can_be_turned_off(matcher: TfidfMatcher) -> None:
    terms = {t.term for t in matcher.rank("older people")[0].terms}
    assert "older people" in terms
    plain = TfidfMatcher(ngram_weight=0.0).fit(PROPOSALS)
    assert "older people" not in {t.term for t in plain.rank("older people")[0].terms}


def test_corpus_wide_boilerplate_is_ignored_with_max_df() -> None:
    docs = [Document(str(i), text=f"innovation challenge topic{i}") for i in range(4)]
    m = TfidfMatcher(max_df=0.5).fit(docs)
    assert m.rank("innovation challenge") == []
    assert [h.doc_id for h in m.rank("innovation topic2")] == ["2"]


def test_added_documents_are_ranked_without_changing_existing_scores() -> None:
    matcher = TfidfMatcher(refit_threshold=0.5).fit(PROPOSALS)
    before = dict(ranking(matcher, CHALLENGE))
    version = matcher.model_version_
    matcher.add([Document("new", "Fall alarms", "Wearable fall alarms for older people.")])
    after = dict(ranking(matcher, CHALLENGE))
    assert "new" in after
    assert {d: s for d, s in after.items() if d != "new"} == {
        d: s for d, s in before.items() if d in after
    }
    assert matcher.model_version_ == version
    assert matcher.n_documents_ == 5


def test_removed_documents_are_never_ranked_again(matcher: TfidfMatcher) -> None:
    matcher.remove(["falls"])
    assert "falls" not in [h.doc_id for h in matcher.rank(CHALLENGE)]
    assert "falls" not in matcher
    assert matcher.n_documents_ == 3


@pytest.mark.parametrize("refit_threshold", [10.0, 0.1])
def test_adding_then_removing_leaves_every_ranking_exactly_as_before(
    refit_threshold: float,
) -> None:
    # 10.0: statistics stay frozen throughout; 0.1: the queries in between refresh them
    matcher = TfidfMatcher(refit_threshold=refit_threshold).fit(PROPOSALS)
    queries: list[Document | str] = [CHALLENGE, *PROPOSALS, "wearable alarms", "bins"]
    before = matcher.rank_many(queries)
    extra = [
        Document("w", "Wearable alarms", "Alarms for older people who fall."),
        Document("v", text="bins bins bins"),
    ]
    matcher.add(extra)
    assert matcher.rank_many(queries) != before
    matcher.remove(["w", "v"])
    assert matcher.rank_many(queries) == before


def test_duplicate_and_unknown_ids_are_refused_without_changing_anything(
    matcher: TfidfMatcher,
) -> None:
    before = matcher.rank_many([CHALLENGE, "bins"])
    with pytest.raises(ValueError, match="already in the matcher"):
        matcher.add([Document("falls", text="again")])
    with pytest.raises(ValueError, match="unique"):
        matcher.add([Document("n", text="a"), Document("n", text="b")])
    with pytest.raises(KeyError, match="nope"):
        matcher.remove(["bins", "nope"])
    with pytest.raises(ValueError, match="unique"):
        TfidfMatcher().fit([Document("a", text="x1"), Document("a", text="x2")])
    assert matcher.rank_many([CHALLENGE, "bins"]) == before


def test_statistics_refresh_after_enough_growth_matches_a_fresh_fit() -> None:
    base = [Document(f"d{i}", text=f"street lighting column {i} repair") for i in range(10)]
    more = [Document(f"e{i}", text=f"lighting upgrade lamp {i} led") for i in range(3)]
    m = TfidfMatcher(refit_threshold=0.2).fit(base)
    version = m.model_version_
    m.add(more)  # 3 of 10 is past the 20 % threshold: the next query refreshes
    got = ranking(m, "led lighting repair", k=20)
    assert m.model_version_ != version
    fresh = ranking(TfidfMatcher(refit_threshold=0.2).fit(base + more), "led lighting repair", k=20)
    assert [d for d, _ in got] == [d for d, _ in fresh]
    assert np.allclose([s for _, s in got], [s for _, s in fresh], atol=1e-12)


def test_rank_many_gives_the_same_rankings_as_rank(matcher: TfidfMatcher) -> None:
    matcher.add([Document("late", text="Sensors for older residents")])
    queries: list[Document | str] = [CHALLENGE, *PROPOSALS, "", "older residents"]
    many = matcher.rank_many(queries, k=3)
    assert len(many) == len(queries)
    for query, hits in zip(queries, many, strict=True):
        one = matcher.rank(query, k=3)
        assert [h.doc_id for h in hits] == [h.doc_id for h in one]
        assert [h.score for h in hits] == pytest.approx([h.score for h in one], abs=1e-12)


def test_rank_without_explanations_keeps_ids_and_scores(matcher: TfidfMatcher) -> None:
    full = matcher.rank(CHALLENGE)
    bare = matcher.rank(CHALLENGE, explain=False)
    assert [(h.doc_id, h.score) for h in bare] == [(h.doc_id, h.score) for h in full]
    assert all(h.terms == () for h in bare)
    with pytest.raises(ValueError, match="k must be"):
        matcher.rank(CHALLENGE, k=0)


def test_explain_gives_a_page_of_hits_their_explanations(matcher: TfidfMatcher) -> None:
    bare = matcher.rank(CHALLENGE, k=10, explain=False)
    full = matcher.rank(CHALLENGE, k=10)
    page = [h.doc_id for h in bare[1:3]]
    assert matcher.explain(CHALLENGE, page) == full[1:3]
    assert matcher.explain(CHALLENGE, []) == []


def test_explain_refuses_a_document_that_is_not_indexed(matcher: TfidfMatcher) -> None:
    some = matcher.rank(CHALLENGE, k=1)[0].doc_id
    with pytest.raises(KeyError, match="not an indexed document: 'nope'"):
        matcher.explain(CHALLENGE, [some, "nope"])
    matcher.remove([some])
    with pytest.raises(KeyError, match=f"not an indexed document: '{some}'"):
        matcher.explain(CHALLENGE, [some])


def test_duplicates_finds_near_identical_proposals_only() -> None:
    text = "Floor sensors warn carers when an elderly resident falls at home."
    docs = [
        Document("a", "Falls", text),
        Document("b", "Falls", text + " Fast."),
        Document("c", "Bins", "Fill-level sensors on litter bins plan the collection route."),
        Document("d", "Falls", text),
    ]
    m = TfidfMatcher().fit(docs)
    pairs = m.duplicates(threshold=0.8)
    assert {(a, b) for a, b, _ in pairs} == {("a", "d"), ("a", "b"), ("b", "d")}
    assert pairs[0][:2] == ("a", "d")
    assert pairs[0][2] == pytest.approx(1.0)
    assert all(0.8 <= s <= 1.0 for _, _, s in pairs)
    assert [(a, b) for a, b, _ in m.duplicates(0.8, ids=["b", "c", "d"])] == [("b", "d")]
    assert m.duplicates(0.8, ids=["c"]) == []
    with pytest.raises(ValueError):
        m.duplicates(threshold=0)


def test_save_and_load_round_trip_ranks_identically(matcher: TfidfMatcher, tmp_path: Path) -> None:
    matcher.add([Document("late", text="Sensors for older residents")])
    matcher.remove(["bins"])
    path = tmp_path / "model.npz"
    matcher.save(path)
    loaded = TfidfMatcher.load(path)
    queries: list[Document | str] = [CHALLENGE, *PROPOSALS, "older residents"]
    assert loaded.rank_many(queries) == matcher.rank_many(queries)
    assert loaded.model_version_ == matcher.model_version_
    assert loaded.get_params() == matcher.get_params()
    # a loaded matcher keeps working incrementally
    loaded.add([Document("bins", text="bins again")])
    assert loaded.rank("bins")[0].doc_id == "bins"
    with np.load(path, allow_pickle=False) as z:
        assert all(z[name].dtype != object for name in z.files)


def test_loading_a_file_of_another_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.npz"
    np.savez(path, header=np.frombuffer(b'{"format": 999}', dtype=np.uint8))
    with pytest.raises(ValueError, match="unsupported"):
        TfidfMatcher.load(path)


def test_model_version_depends_on_parameters_and_corpus_but_not_order() -> None:
    v1 = TfidfMatcher().fit(PROPOSALS).model_version_
    assert TfidfMatcher().fit(PROPOSALS[::-1]).model_version_ == v1
    assert TfidfMatcher(k1=2.0).fit(PROPOSALS).model_version_ != v1
    assert TfidfMatcher().fit(PROPOSALS[:3]).model_version_ != v1
    assert v1.startswith("tfidf-")


def test_follows_the_scikit_learn_estimator_contract() -> None:
    m = TfidfMatcher(k1=2.0, pivot=0.5)
    assert m.get_params()["k1"] == 2.0
    assert not [a for a in vars(m) if a.endswith("_")]
    twin = clone(m)
    assert twin.get_params() == m.get_params()
    assert m.fit(PROPOSALS) is m
    assert m.set_params(k1=1.0).k1 == 1.0
    with pytest.raises(ValueError):
        TfidfMatcher(max_df=0).fit(PROPOSALS)


def test_matches_are_plain_frozen_values(matcher: TfidfMatcher) -> None:
    hit = matcher.rank(CHALLENGE)[0]
    assert isinstance(hit, Match)
    with pytest.raises(AttributeError):
        hit.score = 2.0  # type: ignore[misc]
    term = hit.terms[0]
    # built without the dataclass's __init__, yet the same frozen, hashable value
    same = MatchedTerm(term.term, term.weight, term.query_forms, term.doc_forms)
    assert type(term) is MatchedTerm and term == same and hash(term) == hash(same)
    with pytest.raises(AttributeError):
        term.weight = 2.0  # type: ignore[misc]


@pytest.mark.parametrize(
    "module",
    [
        matching,
        matching.matcher,
        matching.types,
        matching.text,
        matching.metrics,
        matching.evaluate,
        matching._grow,
    ],
)
def test_docstring_examples_hold(module: object) -> None:
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)  # type: ignore[arg-type]
    assert result.failed == 0
    assert result.attempted > 0
