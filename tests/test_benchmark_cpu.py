"""The load benchmark's CPU accounting (benchmarks/cpu.py) and the table cells built on it.

The benchmark itself runs in `make bench`; these tests check that what it reads from /proc
is the measured processes' CPU time and that the bound it prints follows from it.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from benchmarks import cpu
from benchmarks.load import Case, Figures, cpu_cells

pytestmark = pytest.mark.skipif(not cpu.available(), reason="needs Linux's /proc")

# Burns this much CPU, says so, then waits for its standard input to close.
BUSY = """
import sys, time
began = time.process_time()
while time.process_time() - began < {seconds}:
    pass
print("done", flush=True)
sys.stdin.read()
"""


def busy_child(seconds: float) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", BUSY.format(seconds=seconds)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_a_process_tree_holds_the_root_and_its_descendants() -> None:
    # a shell whose child is a sleep: both are in the shell's tree, not the sleep's parent's
    shell = subprocess.Popen(["sh", "-c", "sleep 30 & wait"])
    try:
        for _ in range(100):
            tree = cpu.process_tree(shell.pid)
            if len(tree) == 2:
                break
            time.sleep(0.02)
        assert tree[0] == shell.pid and len(tree) == 2
        (sleeper,) = tree[1:]
        assert cpu.process_tree(sleeper) == [sleeper]
        assert sleeper in cpu.named("sleep") and shell.pid not in cpu.named("sleep")
    finally:
        subprocess.run(["pkill", "-P", str(shell.pid)], check=False)
        shell.wait(timeout=10)


def test_the_meter_reads_the_cpu_time_a_tree_spends_between_start_and_stop() -> None:
    idle = busy_child(0.0)
    busy = busy_child(0.4)
    try:
        assert idle.stdout is not None and busy.stdout is not None
        assert idle.stdout.readline() == "done\n"
        still = cpu.Meter(idle.pid, database=False)
        still.start()
        working = cpu.Meter(busy.pid, database=False)
        working.start()
        assert busy.stdout.readline() == "done\n"
        working.stop()
        still.stop()
    finally:
        for child in (idle, busy):
            assert child.stdin is not None and child.stdout is not None
            child.stdin.close()
            child.wait(timeout=10)
            child.stdout.close()
    assert working.app_seconds is not None and still.app_seconds is not None
    # CPU time, not wall time: the machine's load does not change it (clock ticks round it)
    assert 0.3 <= working.app_seconds <= 1.0
    assert still.app_seconds <= 0.05
    assert working.db_seconds == 0.0
    per = working.per_request_ms(100)
    assert per is not None
    assert per[0] == pytest.approx(working.app_seconds * 10) and per[1] == 0.0
    assert working.per_request_ms(0) is None


def test_a_process_seen_only_at_the_end_counts_whole_and_one_gone_is_not_seen() -> None:
    before = {1: 2.0, 2: 5.0}
    after = {1: 2.5, 3: 0.75}
    assert cpu.spent(before, after) == pytest.approx(0.5 + 0.75)


def test_nothing_is_claimed_where_nothing_was_measured() -> None:
    meter = cpu.Meter(1, database=True)
    assert meter.per_request_ms(10) is None


def _figures(rps: float, cpu_ms: tuple[float, float] | None) -> Figures:
    return Figures(int(rps * 10), 10.0, 1.0, 2.0, 3.0, 0, cpu_ms)


def test_the_table_gives_the_rate_the_cores_allow_and_its_ratio_to_the_bare_endpoint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("benchmarks.load.os.cpu_count", lambda: 2)
    case = Case("x", "api", _figures(200, (3.5, 1.5)), _figures(10_000, (0.1, 0.0)))
    # 2 cores x 1000 ms / 5 ms a request = 400 a second, 0.04 x the bare 10,000
    assert cpu_cells(case) == "3.50 + 1.50 / 0.10 | 400 a second (0.04 x bare)"
    unmeasured = Case("x", "api", _figures(200, None), _figures(10_000, (0.1, 0.0)))
    assert cpu_cells(unmeasured) == "not measured | not measured"
