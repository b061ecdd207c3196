"""The adapter between rows and the matcher, on plain documents (no database)."""

from __future__ import annotations

import pytest

from matching import Document
from urbanchallenge.ranking.adapter import rank_challenges, rank_proposals

CHALLENGE = Document(
    "c1",
    "Bus punctuality on the Hagley Road corridor",
    "Buses lose time at signalised junctions and at busy stops; we need to know where and why.",
)
ON_TOPIC = Document(
    "1",
    "Junction delay analysis",
    "We attribute bus delay to each junction and stop using AVL data.",
)
OFF_TOPIC = Document(
    "2", "A chatbot for residents", "An AI assistant answers council tax questions."
)
COPY = Document(
    "3",
    "Junction delay analysis",
    "We attribute bus delay to each junction and stop, using AVL data.",
)


def test_the_proposal_that_answers_the_challenge_ranks_first() -> None:
    ranking = rank_proposals(CHALLENGE, [OFF_TOPIC, ON_TOPIC])

    assert [item.id for item in ranking.items] == [1, 2]
    assert [item.rank for item in ranking.items] == [1, 2]
    assert ranking.items[0].score > ranking.items[1].score >= 0
    assert ranking.model_version


def test_every_stored_term_is_shared_and_the_weights_do_not_exceed_the_score() -> None:
    top = rank_proposals(CHALLENGE, [ON_TOPIC, OFF_TOPIC]).items[0]
    terms = {t["term"] for t in top.terms}
    assert {"junction", "bus"} & terms or any("junction" in t for t in terms)
    assert sum(t["weight"] for t in top.terms) <= top.score + 1e-6
    assert all(t["forms"] for t in top.terms)


def test_a_near_copy_is_flagged_as_a_duplicate_of_the_earlier_proposal() -> None:
    items = {i.id: i for i in rank_proposals(CHALLENGE, [ON_TOPIC, OFF_TOPIC, COPY]).items}
    assert items[3].duplicate_of == 1
    assert items[3].duplicate_score is not None and items[3].duplicate_score >= 0.8
    assert items[1].duplicate_of is None and items[2].duplicate_of is None


def test_background_proposals_inform_the_weights_but_are_never_ranked() -> None:
    background = [
        Document(str(n), "Other", f"bus service number {n} on another road") for n in range(10, 20)
    ]
    ranking = rank_proposals(CHALLENGE, [ON_TOPIC, OFF_TOPIC], background)
    assert {item.id for item in ranking.items} == {1, 2}


def test_proposals_with_nothing_indexable_are_listed_with_score_zero() -> None:
    ranking = rank_proposals(CHALLENGE, [Document("5", "", "..."), Document("6", "", "the and")])
    assert [(i.id, i.score) for i in ranking.items] == [(5, 0.0), (6, 0.0)]


def test_no_proposals_gives_an_empty_ranking() -> None:
    assert rank_proposals(CHALLENGE, []).items == []


@pytest.mark.parametrize("query", ["", "   ", "the of and", "🚌🚌"])
def test_a_query_with_no_words_matches_no_challenge(query: str) -> None:
    assert rank_challenges(query, [CHALLENGE]).items == []


def test_challenges_are_ranked_for_a_start_up_profile() -> None:
    bins = Document("9", "Missed bin collections", "Bin lorries miss high-rise blocks.")
    ranking = rank_challenges(
        "We analyse bus delays at junctions from AVL feeds.",
        [bins, Document("8", CHALLENGE.title, CHALLENGE.text)],
    )
    assert next(item.id for item in ranking.items) == 8
