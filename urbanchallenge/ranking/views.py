"""The officer's ranked list of proposals and a start-up's "Challenges that fit you"."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from urbanchallenge.accounts.models import Role
from urbanchallenge.auth import requires, signed_in_user
from urbanchallenge.challenges.lifecycle import status_of
from urbanchallenge.pagecache import kept_page
from urbanchallenge.ranking import services
from urbanchallenge.web import nav_section, render


@requires(Role.COUNCIL_OFFICER)
async def ranked(request: Request) -> Response:
    """An owned challenge's ranked proposals, kept a few seconds for the officer's session
    (urbanchallenge.pagecache): the page a panel's officer reloads while proposals arrive."""
    return await kept_page(request, lambda: _ranked(request), signed_in=True)


async def _ranked(request: Request) -> Response:
    user = signed_in_user(request)
    ranked = await services.ranked_list(user, request.path_params["id"])
    nav_section(request, "challenges:yours")
    rows = [
        {
            "item": item,
            "summary": services.highlight(item.proposal.summary, item.forms),
            "approach": services.highlight(item.proposal.approach, item.forms),
        }
        for item in ranked.items
    ]
    return render(
        request,
        "matches/ranked.html",
        {"ranked": ranked, "rows": rows, "status": status_of(ranked.challenge)},
    )


@requires(Role.STARTUP_MEMBER)
async def for_you(request: Request) -> Response:
    user = signed_in_user(request)
    fits, pending = await services.fits_for(user)
    return render(request, "matches/for_you.html", {"fits": fits, "pending": pending})
