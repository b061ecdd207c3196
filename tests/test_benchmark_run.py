"""The matcher benchmark's report: what it says when the machine's load moved during a run."""

from typing import Any

from benchmarks.run import _UNSTEADY, _unsteady


def run(n_docs: int, spread: list[float]) -> dict[str, Any]:
    return {"n_docs": n_docs, "round_ratios_bm25s": spread}


def test_steady_rounds_need_no_warning() -> None:
    assert _unsteady([run(100_000, [0.60, 0.62, 0.65]), run(10_000, [])]) == []


def test_rounds_that_disagree_widely_are_called_out_with_their_range() -> None:
    lines = _unsteady([run(10_000, [1.0, 1.1]), run(100_000, [0.346, 0.61, 0.914])])
    text = "\n".join(lines)
    assert "load changed during this run" in text
    assert "100,000 documents (0.346 to 0.914)" in text
    assert "10,000 documents" not in text
    assert f"{_UNSTEADY} x" in text
