"""The officer's results: raw and calibrated totals, the distribution chart and the CSV export."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import httpx

from tests.conftest import sign_in_as
from tests.reviews.conftest import Scene, api_as, make_scene, score_directly
from urbanchallenge.accounts.models import Organisation
from urbanchallenge.proposals.models import Proposal
from urbanchallenge.reviews.models import ConflictDeclaration, Score

CONFLICT_REASON = "Reviewer three holds shares in this start-up."


async def scored_scene() -> Scene:
    """Three proposals; reviewer 2 marks harshly; reviewer 3 is conflicted on the first.

    Weights 40/35/25. Totals (score x weight / 10):
      reviewer 1: 71.5, 60, 81.5   reviewer 2: 41.5, 30, 51.5   reviewer 3: -, 70, 80
    """
    scene = await make_scene(proposals=3, reviewers=3)
    r1, r2, r3 = scene.reviewers
    p0, p1, p2 = scene.proposals
    for proposal, scores in ((p0, [8, 7, 6]), (p1, [6, 6, 6]), (p2, [9, 8, 7])):
        await score_directly(scene, r1, proposal, scores)
    for proposal, scores in ((p0, [5, 4, 3]), (p1, [3, 3, 3]), (p2, [6, 5, 4])):
        await score_directly(scene, r2, proposal, scores)
    for proposal, scores in ((p1, [7, 7, 7]), (p2, [8, 8, 8])):
        await score_directly(scene, r3, proposal, scores)
    await ConflictDeclaration.create(
        proposal=p0,
        member=r3,
        has_conflict=True,
        reason=CONFLICT_REASON,
        declared_at=datetime.now(UTC),
    )
    # A score that should never exist: stored despite the conflict, it must not count.
    await Score.create(
        proposal=p0,
        member=r3,
        criterion=scene.criteria[0],
        score=10,
        comment="Stray comment from a conflicted member.",
        updated_at=datetime.now(UTC),
        submitted_at=datetime.now(UTC),
    )
    return scene


async def test_results_give_raw_and_calibrated_totals_per_proposal(
    client: httpx.AsyncClient,
) -> None:
    scene = await scored_scene()
    api = await api_as(client, scene.officer)

    response = await api.get(f"/challenges/{scene.challenge.id}/results")

    assert response.status_code == 200
    rows = {r["proposal_id"]: r for r in response.json()}
    p0, p1, p2 = (rows[p.id] for p in scene.proposals)
    # Reviewer 3's conflicted (and stray) score is not counted.
    assert p0["reviews"] == 2 and p0["totals"] == [71.5, 41.5]
    assert p0["raw_total"] == 56.5 and p0["mean"] == 56.5 and p0["median"] == 56.5
    assert p0["spread"] == 30 and p0["disagreement"] is True
    assert p1["totals"] == [70, 60, 30] and p1["raw_total"] == 53.3 and p1["median"] == 60
    assert p2["raw_total"] == 71 and p2["spread"] == 30
    # Only reviewers 1 and 2 scored 3 proposals, so only they are calibrated: their
    # z-scores agree, giving grand mean 56 + grand sd 17.38 x z.
    assert p0["calibrated_total"] == 57.0
    assert p1["calibrated_total"] == 34.2
    assert p2["calibrated_total"] == 76.8
    assert all(r["awarded"] is False for r in rows.values())


async def test_the_results_page_shows_both_totals_the_chart_and_no_conflict_details(
    client: httpx.AsyncClient,
) -> None:
    scene = await scored_scene()
    await sign_in_as(client, scene.officer)

    page = await client.get(f"/panels/{scene.challenge.id}/results")

    html = page.text
    assert page.status_code == 200
    assert "Raw total" in html and "Calibrated total" in html
    assert "56.5" in html and "57.0" in html and "76.8" in html
    assert "8 reviews submitted by 3 of 3 panel members" in html
    assert "Disagreement" in html
    bars = re.findall(r"app-bar-chart__bar app-bar-chart__bar--(\d+)", html)
    assert sorted(int(b) for b in bars) == sorted([72, 42, 70, 60, 30, 82, 80, 52])
    assert "style=" not in html
    assert CONFLICT_REASON not in html and "Stray comment" not in html
    assert "No: fewer than 3 reviews" in html


async def test_the_csv_export_is_an_attachment_with_formulas_defused(
    client: httpx.AsyncClient,
) -> None:
    scene = await scored_scene()
    await Proposal.filter(id=scene.proposals[0].id).update(title='=HYPERLINK("http://evil")')
    await Organisation.filter(id=scene.proposals[1].organisation_id).update(name="@Evil Ltd")
    await sign_in_as(client, scene.officer)

    response = await client.get(f"/panels/{scene.challenge.id}/results.csv")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][:6] == [
        "Proposal ID",
        "Proposal",
        "Start-up",
        "Reviews submitted",
        "Raw total (mean)",
        "Calibrated total",
    ]
    by_id = {int(r[0]): r for r in rows[1:]}
    first = by_id[scene.proposals[0].id]
    assert first[1] == '\'=HYPERLINK("http://evil")'
    assert first[3:6] == ["2", "56.5", "57.0"]
    assert by_id[scene.proposals[1].id][2] == "'@Evil Ltd"
    assert CONFLICT_REASON not in response.text and "Stray" not in response.text


async def test_results_before_any_scores_say_so(client: httpx.AsyncClient) -> None:
    scene = await make_scene(proposals=2, reviewers=1)
    api = await api_as(client, scene.officer)
    rows = (await api.get(f"/challenges/{scene.challenge.id}/results")).json()
    assert [r["reviews"] for r in rows] == [0, 0]
    assert all(r["raw_total"] is None and r["calibrated_total"] is None for r in rows)
    await sign_in_as(client, scene.officer)
    html = (await client.get(f"/panels/{scene.challenge.id}/results")).text
    assert "No scores submitted yet." in html
