"""One shared world for the security tests, built once per test module.

Two public bodies, each with challenges at the stages their routes need; four
start-ups with proposals at every stage (draft, submitted, withdrawn, shortlisted,
awarded); panels with a member who declared no conflict, a conflicted member, a
blind panel and another body's panel; an administrator. Every text field of every
proposal carries its own unique canary word, and people's names and challenge text
carry markup that must reach pages escaped.

Who may see which proposal field is written down once, in :func:`may_see`, from
the rules the product promises (see reviews/scoring.py for panel members).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from urbanchallenge.accounts.models import Organisation, OrganisationKind, Role, User
from urbanchallenge.accounts.passwords import Hashing
from urbanchallenge.accounts.services import start_session
from urbanchallenge.accounts.tokens import issue_token
from urbanchallenge.challenges import lifecycle
from urbanchallenge.challenges.lifecycle import Status
from urbanchallenge.challenges.models import (
    Challenge,
    Clarification,
    Criterion,
    EligibilityQuestion,
    ServiceArea,
)
from urbanchallenge.proposals.models import EligibilityAnswer, Proposal
from urbanchallenge.ranking import jobs, worker
from urbanchallenge.reviews import decisions
from urbanchallenge.reviews import services as review_services
from urbanchallenge.reviews.models import ConflictDeclaration, PanelMember, Score, ShortlistEntry
from urbanchallenge.settings import Settings

PASSWORD = "a long enough security passphrase"
PROPOSAL_FIELDS = ("title", "summary", "approach", "impact", "team", "timeline")
# Markup a visitor could type; every page must show it as text.
XSS = "<script>alert('xss')</script>"
XSS_ATTRIBUTE = '"><img src=x onerror=alert(1)>'
RAW_MARKUP = ("<script>alert(", "<img src=x onerror")
BLIND_STARTUP = "Hidden Fourth Ltd"
BLIND_WEBSITE = "https://hiddenfourth.example"
BLIND_IDENTITY = ("Hidden Fourth", "hiddenfourth.example")
CRITERIA = (("Understanding", 60), (f"Value for money {XSS}", 40))

ACTORS = (
    "anonymous",
    "officer_a",
    "officer_b",
    "s1",
    "s2",
    "r_member",
    "r_conflicted",
    "r_blind",
    "r_other",
    "admin",
)


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Actor:
    name: str
    user: User | None = None
    session: str = ""
    token: str = ""

    @property
    def role(self) -> Role | None:
        return self.user.role if self.user else None

    @property
    def organisation_id(self) -> int | None:
        return self.user.organisation_id if self.user else None


@dataclass
class Item:
    """A proposal, its canary words (one per text field) and who may see it."""

    key: str
    proposal: Proposal
    challenge: Challenge
    canaries: dict[str, str]
    shortlisted: bool = False
    # reviewer actor name -> "none" (declared no conflict) or "conflict"
    declarations: dict[str, str] = field(default_factory=dict)


@dataclass
class World:
    settings: Settings
    actors: dict[str, Actor]
    bodies: dict[str, Organisation]
    startups: dict[str, Organisation]
    challenges: dict[str, Challenge]
    criteria: dict[str, list[Criterion]]
    items: dict[str, Item]
    panels: dict[str, set[str]]  # challenge key -> reviewer actor names
    members: dict[tuple[str, str], PanelMember]  # (challenge key, actor) -> membership
    invitation_token: str
    invitation_id: int
    extra_startups: dict[str, Actor] = field(default_factory=dict)

    def user(self, name: str) -> User:
        found = self.actors[name].user
        assert found is not None, name
        return found

    def cid(self, key: str) -> int:
        return self.challenges[key].id

    def pid(self, key: str) -> int:
        return self.items[key].proposal.id

    def viewers(self) -> dict[str, Actor]:
        """Everyone who looks at the service: the matrix's actors and the other start-ups."""
        return {**self.actors, **self.extra_startups}


def may_see(world: World, viewer: Actor, item: Item, field_name: str) -> bool:
    """Whether ``viewer`` may be shown ``field_name`` of ``item``'s proposal."""
    user = viewer.user
    if user is None:
        return False
    proposal = item.proposal
    if user.organisation_id == proposal.organisation_id:
        return True
    challenge = item.challenge
    if user.role is Role.COUNCIL_OFFICER and user.organisation_id == challenge.organisation_id:
        return proposal.submitted_at is not None  # never a draft
    challenge_key = next(k for k, c in world.challenges.items() if c.id == challenge.id)
    if user.role is Role.REVIEWER and viewer.name in world.panels.get(challenge_key, set()):
        if not item.shortlisted:
            return False
        declared = item.declarations.get(viewer.name)
        if declared == "conflict":
            return field_name == "title"
        if declared is None:
            return field_name in {"title", "summary"}
        return True
    return False


async def _organisation(name: str, kind: OrganisationKind, website: str = "") -> Organisation:
    return await Organisation.create(
        name=name, name_key=name.lower(), kind=kind, region="West Midlands", website=website
    )


async def _user(role: Role, email: str, name: str, organisation: Organisation | None) -> User:
    return await User.create(
        email=email,
        name=name,
        password_hash=Hashing.hasher.hash(PASSWORD),
        role=role,
        organisation=organisation,
    )


async def _challenge(
    body: Organisation,
    officer: User,
    title: str,
    stage: Status,
    *,
    blind: bool = False,
) -> Challenge:
    moment = now()
    challenge = await Challenge.create(
        organisation=body,
        created_by=officer,
        title=title,
        summary=f"Residents in tower blocks report missed bin collections every week. {XSS}",
        problem="Collections from high-rise blocks are missed because bin stores are blocked "
        f"by parked cars and overflowing recycling.\n\n{XSS}",
        outcomes=f"Fewer missed collections, fewer complaints, crews told in time. {XSS}",
        service_area=ServiceArea.WASTE,
        location=f"Sandwell {XSS_ATTRIBUTE}",
        budget_gbp=60_000,
        opens_at=moment + timedelta(days=5)
        if stage is Status.DRAFT
        else moment - timedelta(days=9),
        closes_at=moment + timedelta(days=30),
        blind_panel=blind,
    )
    for position, (name, weight) in enumerate(CRITERIA):
        await Criterion.create(
            challenge=challenge, name=name, weight=weight, position=position, description=""
        )
    await EligibilityQuestion.create(
        challenge=challenge,
        question=f"Are you registered in the UK? {XSS}",
        knockout_answer=False,
        position=0,
    )
    steps = {
        Status.DRAFT: [],
        Status.OPEN: [Status.OPEN],
        Status.CLOSED: [Status.OPEN, Status.CLOSED],
        Status.SHORTLISTING: [Status.OPEN, Status.CLOSED, Status.SHORTLISTING],
    }[stage]
    for step in steps:
        changed = lifecycle.transition(challenge, step)
        await challenge.save(update_fields=changed)
    return challenge


async def _proposal(
    key: str,
    challenge: Challenge,
    startup: Organisation,
    member: User,
    *,
    submitted: bool = True,
    withdrawn: bool = False,
    mention: str = "",
) -> Item:
    canaries = {f: f"cny{f[:3]}{secrets.token_hex(5)}" for f in PROPOSAL_FIELDS}
    moment = now()
    text = {
        "title": f"{canaries['title']} bin sensors {XSS}"[:120],
        "summary": f"{canaries['summary']} Fill sensors in bin stores warn crews. {XSS}",
        "approach": f"{canaries['approach']} {mention} Sensors report blocked bin stores "
        f"and missed collections to crews before they set off.\n\nSecond paragraph {XSS}",
        "impact": f"{canaries['impact']} A pilot halved missed collections. {XSS_ATTRIBUTE}",
        "team": f"{canaries['team']} Asha Verma (engineer) and Tom Reed. {mention}",
        "timeline": f"{canaries['timeline']} Six months, starting in spring.",
    }
    proposal = await Proposal.create(
        challenge=challenge,
        organisation=startup,
        created_by=member,
        cost_gbp=40_000,
        submitted_at=moment - timedelta(days=8) if submitted else None,
        withdrawn_at=moment - timedelta(days=7) if withdrawn else None,
        **text,
    )
    question = await EligibilityQuestion.get(challenge=challenge)
    await EligibilityAnswer.create(proposal=proposal, question=question, answer=True)
    return Item(key=key, proposal=proposal, challenge=challenge, canaries=canaries)


async def _move(challenge: Challenge, to: Status) -> None:
    changed = lifecycle.transition(challenge, to)
    await challenge.save(update_fields=changed)


async def _scores(
    member: User,
    proposal: Proposal,
    criteria: list[Criterion],
    *,
    submitted: bool,
) -> None:
    moment = now()
    for criterion in criteria:
        await Score.create(
            proposal=proposal,
            member=member,
            criterion=criterion,
            score=7,
            comment=f"Clear plan for {criterion.name.lower()}. {XSS}",
            updated_at=moment,
            submitted_at=moment if submitted else None,
        )


async def _declare(
    world_items: dict[str, Item], key: str, actor: str, user: User, how: str
) -> None:
    item = world_items[key]
    await ConflictDeclaration.create(
        proposal=item.proposal,
        member=user,
        has_conflict=how == "conflict",
        reason=f"I advised them last year. {XSS}" if how == "conflict" else "",
        declared_at=now(),
    )
    item.declarations[actor] = how


async def build_world(settings: Settings) -> World:
    """Create every row of the world; sessions and API tokens for each actor."""
    bodies = {
        "a": await _organisation("Alpha Borough Council", OrganisationKind.PUBLIC_BODY),
        "b": await _organisation(f"Beta {XSS} Transport", OrganisationKind.PUBLIC_BODY),
        # registered itself and waits for the service team (the administrator's list)
        "c": await _organisation(f"Gamma {XSS} Council", OrganisationKind.PUBLIC_BODY),
    }
    bodies["c"].awaiting_verification = True
    await bodies["c"].save(update_fields=["awaiting_verification"])
    startups = {
        "s1": await _organisation(f"Canary One {XSS_ATTRIBUTE} Ltd", OrganisationKind.STARTUP),
        "s2": await _organisation(f"Second {XSS} Sensors Ltd", OrganisationKind.STARTUP),
        "s3": await _organisation("Third Way Ltd", OrganisationKind.STARTUP),
        "s4": await _organisation(BLIND_STARTUP, OrganisationKind.STARTUP, BLIND_WEBSITE),
    }
    users = {
        "officer_a": await _user(
            Role.COUNCIL_OFFICER, "officer@alpha.example", f"Ada {XSS} Officer", bodies["a"]
        ),
        "officer_b": await _user(
            Role.COUNCIL_OFFICER, "officer@beta.example", f"Ben {XSS_ATTRIBUTE}", bodies["b"]
        ),
        "s1": await _user(Role.STARTUP_MEMBER, "one@canary.example", "Cara One", startups["s1"]),
        "s2": await _user(Role.STARTUP_MEMBER, "two@second.example", "Sam Two", startups["s2"]),
        "s3": await _user(Role.STARTUP_MEMBER, "three@third.example", "Tia Three", startups["s3"]),
        "s4": await _user(Role.STARTUP_MEMBER, "four@hidden.example", "Fay Four", startups["s4"]),
        "r_member": await _user(
            Role.REVIEWER, "member@panel.example", f"Rita {XSS_ATTRIBUTE} Member", None
        ),
        "r_conflicted": await _user(
            Role.REVIEWER, "conflicted@panel.example", "Colin Conflicted", None
        ),
        "r_blind": await _user(Role.REVIEWER, "blind@panel.example", "Bea Blind", None),
        "r_other": await _user(Role.REVIEWER, "other@panel.example", "Omar Other", None),
        "admin": await _user(Role.ADMIN, "admin@service.example", "Ann Admin", None),
    }
    a, b = users["officer_a"], users["officer_b"]
    challenges = {
        "a_draft": await _challenge(bodies["a"], a, "Draft: cleaner bin stores", Status.DRAFT),
        "a_open": await _challenge(
            bodies["a"], a, f"Missed bins in Tipton tower blocks {XSS}", Status.OPEN
        ),
        "a_open2": await _challenge(bodies["a"], a, "Bin store access at night", Status.OPEN),
        "a_closed": await _challenge(bodies["a"], a, "Bulky waste booking", Status.OPEN),
        "a_short": await _challenge(bodies["a"], a, "Recycling contamination", Status.OPEN),
        "a_blind": await _challenge(
            bodies["a"], a, "Blind review: food waste", Status.OPEN, blind=True
        ),
        "a_decided": await _challenge(bodies["a"], a, "Street litter sensors", Status.OPEN),
        "b_open": await _challenge(bodies["b"], b, "Bus stop bins", Status.OPEN),
        "b_short": await _challenge(bodies["b"], b, "Depot waste", Status.OPEN),
    }
    criteria = {
        k: list(await Criterion.filter(challenge=c).order_by("position"))
        for k, c in challenges.items()
    }
    members = {k: users[k] for k in ("s1", "s2", "s3", "s4")}
    specs = [
        ("open_s1", "a_open", "s1", {}),
        ("open_s2", "a_open", "s2", {"withdrawn": True}),
        ("open2_s1", "a_open2", "s1", {"submitted": False}),
        ("closed_s1", "a_closed", "s1", {}),
        ("short_s1", "a_short", "s1", {}),
        ("short_s2", "a_short", "s2", {}),
        ("blind_s4", "a_blind", "s4", {"mention": f"{BLIND_STARTUP} ({BLIND_WEBSITE})"}),
        ("blind_s2", "a_blind", "s2", {}),
        ("dec_s1", "a_decided", "s1", {}),
        ("dec_s2", "a_decided", "s2", {}),
        ("bopen_s3", "b_open", "s3", {}),
        ("bshort_s3", "b_short", "s3", {}),
    ]
    items: dict[str, Item] = {}
    for key, challenge_key, startup, options in specs:
        items[key] = await _proposal(
            key,
            challenges[challenge_key],
            startups[startup],
            members[startup],
            **options,  # type: ignore[arg-type]
        )
    await Clarification.create(
        challenge=challenges["a_open"],
        text=f"Sites include two blocks. {XSS}",
        author=a,
        created_at=now(),
    )

    # Close the closed one, and take the reviewed ones to shortlisting with their panels.
    await _move(challenges["a_closed"], Status.CLOSED)
    for key in ("a_short", "a_blind", "a_decided", "b_short"):
        await _move(challenges[key], Status.CLOSED)
        await _move(challenges[key], Status.SHORTLISTING)
    panels = {
        "a_short": {"r_member", "r_conflicted"},
        "a_blind": {"r_blind"},
        "a_decided": {"r_member"},
        "b_short": {"r_other"},
    }
    memberships: dict[tuple[str, str], PanelMember] = {}
    for challenge_key, names in panels.items():
        officer = a if challenge_key.startswith("a_") else b
        for name in sorted(names):
            memberships[(challenge_key, name)] = await PanelMember.create(
                challenge=challenges[challenge_key],
                user=users[name],
                added_by=officer,
                created_at=now(),
            )
    shortlists = {
        "a_short": ["short_s1", "short_s2"],
        "a_blind": ["blind_s4", "blind_s2"],
        "a_decided": ["dec_s1", "dec_s2"],
        "b_short": ["bshort_s3"],
    }
    for challenge_key, keys in shortlists.items():
        for key in keys:
            await ShortlistEntry.create(
                challenge=challenges[challenge_key],
                proposal=items[key].proposal,
                created_at=now(),
            )
            items[key].shortlisted = True

    await _declare(items, "short_s1", "r_member", users["r_member"], "none")
    await _declare(items, "short_s2", "r_member", users["r_member"], "none")
    await _declare(items, "short_s1", "r_conflicted", users["r_conflicted"], "conflict")
    await _declare(items, "blind_s4", "r_blind", users["r_blind"], "none")
    await _declare(items, "bshort_s3", "r_other", users["r_other"], "none")
    await _declare(items, "dec_s1", "r_member", users["r_member"], "none")
    await _declare(items, "dec_s2", "r_member", users["r_member"], "none")
    await _scores(
        users["r_member"], items["short_s1"].proposal, criteria["a_short"], submitted=False
    )
    await _scores(
        users["r_member"], items["short_s2"].proposal, criteria["a_short"], submitted=True
    )
    for key in ("dec_s1", "dec_s2"):
        await _scores(users["r_member"], items[key].proposal, criteria["a_decided"], submitted=True)
    await decisions.decide(
        a,
        challenges["a_decided"].id,
        [items["dec_s1"].proposal.id],
        f"The sensor pilot was the best value. {XSS}",
    )
    invited = await review_services.add_member(
        a, challenges["a_short"].id, "invitee@panel.example", base_url=settings.base_url
    )
    assert invited.invitation is not None and invited.invitation_url is not None

    # Match scores and fits, as the background worker would store them.
    for challenge in challenges.values():
        await jobs.request_challenge_rescore(challenge.id)
    await jobs.request_all_startups_refit()
    await worker.run_pending()
    for challenge_key, challenge in challenges.items():
        challenges[challenge_key] = await Challenge.get(id=challenge.id)
        for item in items.values():
            if item.challenge.id == challenge.id:
                item.challenge = challenges[challenge_key]
                item.proposal = await Proposal.get(id=item.proposal.id)

    actors: dict[str, Actor] = {"anonymous": Actor("anonymous")}
    for name in ACTORS[1:]:
        actors[name] = await _signed_in(name, users[name], settings)
    extra = {name: await _signed_in(name, users[name], settings) for name in ("s3", "s4")}
    return World(
        settings=settings,
        actors=actors,
        bodies=bodies,
        startups=startups,
        challenges=challenges,
        criteria=criteria,
        items=items,
        panels=panels,
        members=memberships,
        invitation_token=invited.invitation_url.rsplit("/", 1)[1],
        invitation_id=invited.invitation.id,
        extra_startups=extra,
    )


async def _signed_in(name: str, user: User, settings: Settings) -> Actor:
    session = await start_session(user, settings, ip_address="127.0.0.1", user_agent="tests")
    token, _ = await issue_token(user)
    return Actor(name, user, session, token)
