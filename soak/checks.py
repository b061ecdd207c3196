"""After the faults: is every acknowledged write stored, and is nothing half-written?

The tables are read whole (they are small: the demo data and a few minutes of load)
and the rules checked in Python, the same way for PostgreSQL and SQLite.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from soak.server import admin_connection
from soak.traffic import Ledger, Write

TABLES = {
    "organisation": "id, name",
    "user_account": "id, email, role, organisation_id",
    "challenge": "id",
    "eligibility_question": "id, challenge_id",
    "criterion": "id, challenge_id",
    "proposal": "id, challenge_id, organisation_id, title, submitted_at, withdrawn_at",
    "eligibility_answer": "proposal_id, question_id",
    "score": "proposal_id, member_id, criterion_id, submitted_at",
    "shortlist_entry": "challenge_id, proposal_id",
    "audit_event": "id, action, actor_id, subject_id, challenge_id, details",
}


@dataclass
class Snapshot:
    rows: dict[str, list[dict[str, Any]]]
    integrity: str = "not checked"  # SQLite's PRAGMA integrity_check

    def table(self, name: str) -> list[dict[str, Any]]:
        return self.rows[name]


def _read_sqlite(path: Path) -> Snapshot:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.row_factory = sqlite3.Row
        rows = {
            # Table and column names are the constants above, not input.
            name: [dict(r) for r in conn.execute(f"SELECT {cols} FROM {name}")]  # noqa: S608
            for name, cols in TABLES.items()
        }
        integrity = "; ".join(str(r[0]) for r in conn.execute("PRAGMA integrity_check"))
    return Snapshot(rows, integrity)


async def read(database_url: str) -> Snapshot:
    if database_url.startswith("sqlite"):
        from soak.server import sqlite_path

        return await asyncio.to_thread(_read_sqlite, sqlite_path(database_url))
    conn = await admin_connection(database_url)
    try:
        rows = {
            name: [dict(r) for r in await conn.fetch(f"SELECT {cols} FROM {name}")]  # noqa: S608
            for name, cols in TABLES.items()
        }
    finally:
        await conn.close()
    return Snapshot(rows)


@dataclass
class Findings:
    lost: list[str] = field(default_factory=list)
    half_written: list[str] = field(default_factory=list)


def _details(event: dict[str, Any]) -> dict[str, Any]:
    raw = event["details"]
    return json.loads(raw) if isinstance(raw, str) else dict(raw or {})


def check(snapshot: Snapshot, ledger: Ledger) -> Findings:
    found = Findings()
    users = {u["email"]: u for u in snapshot.table("user_account")}
    organisations = {o["id"]: o for o in snapshot.table("organisation")}
    proposals = {p["id"]: p for p in snapshot.table("proposal")}
    questions: dict[int, int] = defaultdict(int)
    for q in snapshot.table("eligibility_question"):
        questions[q["challenge_id"]] += 1
    criteria: dict[int, int] = defaultdict(int)
    for c in snapshot.table("criterion"):
        criteria[c["challenge_id"]] += 1
    answers: dict[int, int] = defaultdict(int)
    for a in snapshot.table("eligibility_answer"):
        answers[a["proposal_id"]] += 1
    events: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in snapshot.table("audit_event"):
        events[e["action"]].append(e)
    scores: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
    for s in snapshot.table("score"):
        scores[(s["member_id"], s["proposal_id"])].append(s)
    shortlists: dict[int, set[int]] = defaultdict(set)
    for entry in snapshot.table("shortlist_entry"):
        shortlists[entry["challenge_id"]].add(entry["proposal_id"])

    _acknowledged(found, ledger, users, proposals, scores, shortlists)

    # Registration: no organisation of the load's without its first user.
    with_users = {u["organisation_id"] for u in users.values()}
    for org in organisations.values():
        if org["name"].startswith("Soak ") and org["id"] not in with_users:
            found.half_written.append(f"organisation {org['id']} has no user")
    # Proposals the load wrote: every answer with the proposal, every step audited.
    soak_orgs = {o["id"] for o in organisations.values() if o["name"].startswith("Soak ")}
    created = {e["subject_id"] for e in events["proposal.created"]}
    submitted_events = {e["subject_id"] for e in events["proposal.submitted"]}
    for p in proposals.values():
        if p["organisation_id"] not in soak_orgs:
            continue
        if answers[p["id"]] != questions[p["challenge_id"]]:
            found.half_written.append(
                f"proposal {p['id']} has {answers[p['id']]} of "
                f"{questions[p['challenge_id']]} eligibility answers"
            )
        if p["id"] not in created:
            found.half_written.append(f"proposal {p['id']} has no 'proposal.created' event")
        if p["submitted_at"] is not None and p["id"] not in submitted_events:
            found.half_written.append(f"proposal {p['id']} is submitted with no audit event")
    # Scores (the demo's and the load's): a submitted set is whole, submitted at one moment.
    audited = {(e["actor_id"], e["subject_id"]) for e in events["score.submitted"]}
    for (member, pid), rows in scores.items():
        done = [r for r in rows if r["submitted_at"] is not None]
        if not done or pid not in proposals:  # a score's proposal is there (foreign key)
            continue
        expected = criteria[proposals[pid]["challenge_id"]]
        if len(done) != len(rows) or len(rows) != expected:
            found.half_written.append(
                f"member {member} has {len(done)} submitted of {len(rows)} scores on "
                f"proposal {pid} ({expected} criteria)"
            )
        if len({r["submitted_at"] for r in done}) != 1:
            found.half_written.append(f"member {member}'s scores on {pid} differ in time")
        if (
            organisations.get(proposals[pid]["organisation_id"], {})
            .get("name", "")
            .startswith("Soak ")
            and (member, pid) not in audited
        ):
            found.half_written.append(f"member {member}'s scores on {pid} have no audit event")
    # Shortlists the load changed: the last audit event says what the shortlist is.
    for challenge_id in {w.facts["challenge"] for w in ledger.writes if w.kind == "shortlist"}:
        updates = [e for e in events["shortlist.updated"] if e["challenge_id"] == challenge_id]
        last = max(updates, key=lambda e: e["id"]) if updates else None
        said = set(_details(last).get("proposal_ids", [])) if last else set()
        if said != shortlists[challenge_id]:
            found.half_written.append(
                f"challenge {challenge_id}'s shortlist {sorted(shortlists[challenge_id])} "
                f"differs from its last audit event {sorted(said)}"
            )
    if snapshot.integrity not in {"ok", "not checked"}:
        found.half_written.append(f"PRAGMA integrity_check: {snapshot.integrity}")
    return found


def _acknowledged(
    found: Findings,
    ledger: Ledger,
    users: dict[str, dict[str, Any]],
    proposals: dict[int, dict[str, Any]],
    scores: dict[tuple[int, int], list[dict[str, Any]]],
    shortlists: dict[int, set[int]],
) -> None:
    """Every write the client saw a 2xx for is there."""
    for write in ledger.writes:
        if not write.acknowledged:
            continue
        facts = write.facts
        if write.kind == "account":
            user = users.get(facts["email"])
            if user is None or user["organisation_id"] is None:
                found.lost.append(f"account {facts['email']}")
        elif write.kind == "proposal":
            stored = proposals.get(facts["id"])
            if stored is None or stored["title"] != facts["title"]:
                found.lost.append(f"proposal {facts['id']} ({facts['title']})")
        elif write.kind == "submit":
            stored = proposals.get(facts["id"])
            if stored is None or stored["submitted_at"] is None:
                found.lost.append(f"submission of proposal {facts['id']}")
        elif write.kind == "score":
            member = users.get(facts["email"])
            rows = scores.get((member["id"], facts["proposal"]), []) if member else []
            if not rows or any(r["submitted_at"] is None for r in rows):
                found.lost.append(f"scores of {facts['email']} on proposal {facts['proposal']}")
    _shortlists_kept(found, [w for w in ledger.writes if w.kind == "shortlist"], shortlists)


def _shortlists_kept(found: Findings, writes: list[Write], shortlists: dict[int, set[int]]) -> None:
    """The shortlist is the last acknowledged one, or one sent after it that got no answer
    (it may have been saved just before the connection broke)."""
    by_challenge: dict[int, list[Write]] = defaultdict(list)
    for write in writes:
        by_challenge[write.facts["challenge"]].append(write)
    for challenge_id, sent in by_challenge.items():
        acked = [i for i, w in enumerate(sent) if w.acknowledged]
        if not acked:
            continue
        last = acked[-1]
        possible = [set(sent[last].facts["ids"])] + [
            set(w.facts["ids"]) for w in sent[last + 1 :] if w.status is None or w.status >= 500
        ]
        if shortlists[challenge_id] not in possible:
            found.lost.append(
                f"challenge {challenge_id}'s acknowledged shortlist {sorted(possible[0])} "
                f"(stored: {sorted(shortlists[challenge_id])})"
            )
