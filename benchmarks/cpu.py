"""CPU time the measured processes spend while a load runs, read from Linux's ``/proc``.

What a request costs the service (its uvicorn processes) and PostgreSQL (the local server's
processes), in CPU milliseconds, says how many requests a second the machine could answer at
best, whatever the load generator or the bare endpoint do: two cores give at most
``2000 / ms`` a second. Elsewhere than Linux nothing is read and the figures are None.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

PROC = Path("/proc")


def _stat(pid: int) -> list[str] | None:
    """The fields of ``/proc/PID/stat`` after the command name (state, ppid, ...)."""
    try:
        text = (PROC / str(pid) / "stat").read_text(encoding="ascii", errors="replace")
    except OSError:  # gone, or not readable
        return None
    return text.rsplit(")", 1)[1].split()


def _pids() -> list[int]:
    return [int(entry.name) for entry in PROC.iterdir() if entry.name.isdigit()]


def available() -> bool:
    return _stat(os.getpid()) is not None


def process_tree(root: int) -> list[int]:
    """``root`` and every process descended from it (a server's workers)."""
    children: dict[int, list[int]] = {}
    for pid in _pids():
        fields = _stat(pid)
        if fields is not None:
            children.setdefault(int(fields[1]), []).append(pid)
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, ()))
    return tree


def named(command: str) -> list[int]:
    """Processes whose command name is ``command`` (``postgres``: the server and backends)."""
    found = []
    for pid in _pids():
        try:
            comm = (PROC / str(pid) / "comm").read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if comm.strip() == command:
            found.append(pid)
    return found


def cpu_seconds(pids: Iterable[int]) -> dict[int, float]:
    """User and system CPU seconds each process has used so far (those still there)."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        fields = _stat(pid)
        if fields is not None:
            used[pid] = (int(fields[11]) + int(fields[12])) / tick
    return used


def spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two readings; a process first seen in ``after`` started in
    between and counts whole (one that ended in between is not seen)."""
    return sum(used - before.get(pid, 0.0) for pid, used in after.items())


class Meter:
    """CPU seconds a server's process tree (and, with ``database``, the local PostgreSQL
    server's processes) use between :meth:`start` and :meth:`stop`."""

    def __init__(self, root: int, *, database: bool) -> None:
        self.root = root
        self.database = database
        self.app_seconds: float | None = None
        self.db_seconds: float | None = None

    def _read(self) -> tuple[dict[int, float], dict[int, float]]:
        app = cpu_seconds(process_tree(self.root))
        db = cpu_seconds(named("postgres")) if self.database else {}
        return app, db

    def start(self) -> None:
        self._before = self._read() if available() else None

    def stop(self) -> None:
        if self._before is None:
            return
        app, db = self._read()
        self.app_seconds = spent(self._before[0], app)
        self.db_seconds = spent(self._before[1], db) if self.database else 0.0

    def per_request_ms(self, requests: int) -> tuple[float, float] | None:
        """(service, database) CPU milliseconds per request; None where not measured."""
        if self.app_seconds is None or self.db_seconds is None or requests <= 0:
            return None
        return self.app_seconds * 1000 / requests, self.db_seconds * 1000 / requests
