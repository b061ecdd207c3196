import math

import pytest

from matching.evaluate import METRIC_KEYS, score_rankings
from matching.metrics import average_precision, ndcg, recall, reciprocal_rank


def test_ndcg_uses_the_grade_as_gain_and_a_log_discount() -> None:
    # DCG = 1/log2(2) + 2/log2(3); ideal = 2/log2(2) + 1/log2(3)
    expected = (1 + 2 / math.log2(3)) / (2 + 1 / math.log2(3))
    assert ndcg(["a", "b"], {"a": 1, "b": 2}, k=2) == pytest.approx(expected)
    assert ndcg(["a", "b"], {"a": 1, "b": 2}, k=2) == pytest.approx(0.859719, abs=1e-6)


def test_ndcg_ideal_list_comes_from_all_judged_documents_not_just_retrieved_ones() -> None:
    # only "a" (grade 3) retrieved; ideal is 3, then 1 at rank 2
    assert ndcg(["a", "x"], {"a": 3, "b": 1}, k=10) == pytest.approx(3 / (3 + 1 / math.log2(3)))


def test_ndcg_is_one_for_a_perfect_ranking_and_zero_without_relevant_documents() -> None:
    assert ndcg(["b", "a"], {"a": 1, "b": 2}) == pytest.approx(1.0)
    assert ndcg(["a"], {"a": 0}) == 0.0
    assert ndcg(["a"], {}) == 0.0


def test_ndcg_cuts_at_k_and_ignores_repeated_ids() -> None:
    assert ndcg(["x", "a"], {"a": 1}, k=1) == 0.0
    assert ndcg(["a", "a", "b"], {"a": 1, "b": 1}, k=2) == pytest.approx(1.0)


def test_average_precision_averages_precision_at_each_relevant_hit() -> None:
    assert average_precision(["a", "x", "b"], {"a": 1, "b": 1}) == pytest.approx((1 + 2 / 3) / 2)
    # a relevant document never retrieved counts as a miss
    assert average_precision(["a"], {"a": 1, "b": 1}) == pytest.approx(0.5)


def test_average_precision_normalises_by_relevant_count_capped_at_k() -> None:
    assert average_precision(["a", "b"], {"a": 1, "b": 1, "c": 1}, k=2) == pytest.approx(1.0)


def test_judged_non_relevant_documents_count_as_misses() -> None:
    qrels = {"a": 0, "b": 2}
    assert reciprocal_rank(["a", "b"], qrels) == pytest.approx(0.5)
    assert recall(["a"], qrels) == 0.0
    assert average_precision(["a", "b"], qrels) == pytest.approx(0.5)


def test_recall_and_reciprocal_rank_respect_their_cut_offs() -> None:
    qrels = {"a": 1, "b": 1}
    assert recall(["x", "a", "b"], qrels, k=2) == pytest.approx(0.5)
    assert reciprocal_rank(["x", "y", "a"], qrels, k=2) == 0.0
    assert reciprocal_rank(["x", "y", "a"], qrels, k=3) == pytest.approx(1 / 3)


def test_score_rankings_averages_over_queries_with_a_relevant_document() -> None:
    rankings = {"q1": ["a", "b"], "q2": ["c"], "q3": ["z"]}
    qrels = {"q1": {"b": 1}, "q2": {"c": 2}, "q3": {"z": 0}}
    result = score_rankings(rankings, qrels)
    assert list(result) == [*METRIC_KEYS, "queries"]
    assert result["queries"] == 2
    assert result["mrr@10"] == pytest.approx((0.5 + 1.0) / 2)
    assert result["recall@100"] == pytest.approx(1.0)
    assert result["ndcg@10"] == pytest.approx((1 / math.log2(3) + 1.0) / 2)
