import pytest

from retrieval.fusion import RRF_K, reciprocal_rank_fusion


def test_rrf_scores_are_sum_of_reciprocal_ranks() -> None:
    fused = reciprocal_rank_fusion({"dense": [("a", 0.9), ("b", 0.8)], "bm25": [("b", 12.0), ("c", 3.0)]})
    by_id = {f.id: f for f in fused}
    assert RRF_K == 60
    assert by_id["b"].score == pytest.approx(1 / 62 + 1 / 61)
    assert by_id["a"].score == pytest.approx(1 / 61)
    assert by_id["c"].score == pytest.approx(1 / 62)
    assert [f.id for f in fused] == ["b", "a", "c"]  # found by both lists beats a single first place


def test_rrf_keeps_each_lists_rank_and_score_for_the_trace() -> None:
    fused = reciprocal_rank_fusion({"dense": [("a", 0.9), ("b", 0.8)], "bm25": [("b", 12.0)]})
    b = next(f for f in fused if f.id == "b")
    assert b.ranks == {"dense": 2, "bm25": 1}
    assert b.scores == {"dense": 0.8, "bm25": 12.0}
    a = next(f for f in fused if f.id == "a")
    assert "bm25" not in a.ranks


def test_rrf_ties_keep_first_appearance_and_limit_cuts() -> None:
    fused = reciprocal_rank_fusion({"dense": [("x", 1.0)], "bm25": [("y", 5.0)]}, limit=1)
    assert [f.id for f in fused] == ["x"]


def test_rrf_counts_a_duplicate_once_at_its_best_rank() -> None:
    fused = reciprocal_rank_fusion({"dense": [("a", 0.9), ("a", 0.5), ("b", 0.4)]})
    assert {f.id: f.ranks["dense"] for f in fused} == {"a": 1, "b": 2}


def test_rrf_k_changes_the_weight_of_rank() -> None:
    lists = {"dense": [("a", 1.0), ("b", 0.9)], "bm25": [("b", 1.0), ("c", 0.5)]}
    assert reciprocal_rank_fusion(lists, k=1)[0].score == pytest.approx(1 / 3 + 1 / 2)
    with pytest.raises(ValueError, match="positive"):
        reciprocal_rank_fusion(lists, k=0)


def test_rrf_of_nothing_is_empty() -> None:
    assert reciprocal_rank_fusion({"dense": [], "bm25": []}) == []
