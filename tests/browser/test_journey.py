"""The whole journey in a real browser, with JavaScript and without, on each database.

A council officer registers, drafts and publishes a challenge. Two start-ups
register: one (using only the keyboard) finds it by searching, the other through
"Challenges that fit you"; both propose, one after fixing a mistake the form points
out. The officer reads the ranked list with its highlighted reasons, invites a panel
member, closes the challenge early and shortlists. The member accepts the invitation,
declares a conflict with one proposal and scores the other; the officer reads the
results and decides; each start-up reads its outcome and feedback.

The story is told twice at once against one server, in browsers with JavaScript and in
browsers without it, by two different public bodies (see ``stories.py``). Every page
on the way is checked (see ``pages.py``): heading, status, console, CSP, axe-core's
WCAG 2.2 AA rules, and a screenshot.
"""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from playwright.async_api import Browser, expect

from tests.browser.pages import Journey, KnownBug, Site, Visitor, verdict
from tests.browser.stories import (
    ADAPTATIONS,
    ADMIN_EMAIL,
    BINS,
    CRITERIA,
    ELIGIBILITY,
    PASSWORD,
    Person,
    Story,
)

LONDON = ZoneInfo("Europe/London")

# Problems the app is known to have: each is a bug report, shown as an xfail until the
# app is fixed (and then the test fails until the entry is removed). None today.
KNOWN_BUGS: list[KnownBug] = []


def london_date(moment: datetime) -> tuple[str, str, str]:
    local = moment.astimezone(LONDON)
    return str(local.day), str(local.month), str(local.year)


async def register(person: Visitor, kind: str, who: Person) -> None:
    await person.go("/")
    await person.see("start page", re.compile("Solve public service challenges"))
    await person.button("Register")
    await person.see("who are you registering for", "Who are you registering for?")
    await person.choose("Who are you registering for?", kind)
    await person.button("Continue")
    await person.see(f"register {kind.lower()}", f"Register {kind.lower()}")
    label = "Organisation name" if kind == "A public body" else "Start-up name"
    await person.fill(label, who.organisation)
    await person.select("Region", "West Midlands")
    await person.fill("Full name", who.name)
    await person.fill("Email address", who.email)
    await person.fill("Create a password", PASSWORD)
    await person.button("Create account")
    await person.see(f"{kind.lower()} account created", "Your account")
    await expect(person.page.get_by_text("Your account has been created")).to_be_visible()


async def administrator_verifies(admin: Visitor, body: str) -> None:
    """The service team's administrator signs in and verifies a body that registered itself."""
    await admin.go("/sign-in")
    await admin.see("sign in", "Sign in")
    await admin.fill("Email address", ADMIN_EMAIL)
    await admin.fill("Password", PASSWORD)
    await admin.button("Sign in")
    await admin.see("administrator's account", "Your account")
    await admin.link("Public bodies to verify")
    await admin.see("public bodies to verify", "Public bodies to verify")
    await admin.button(f"Verify {body}")
    await admin.see("a body verified", "Public bodies to verify")
    await expect(admin.page.get_by_text(f"{body} is verified")).to_be_visible()


async def officer_publishes_a_challenge(officer: Visitor, admin: Visitor, story: Story) -> str:
    """Drafts the challenge (first with a budget the form refuses), waits for the service
    team to verify the body, and publishes it."""
    await register(officer, "A public body", story.officer)
    await officer.link("Your challenges")
    await officer.see("your challenges, none yet", "Your challenges")
    await officer.button("Create a challenge")
    await officer.see("create a challenge", "Create a challenge")
    await officer.fill_all(story.challenge.items())
    await officer.choose("Service area", story.service_area)
    await officer.fill("Budget", "sixty thousand pounds")
    today = datetime.now(LONDON)
    for prefix, moment, time in (
        ("Opening", today, "9am"),
        ("Closing", today + timedelta(days=30), "5pm"),
    ):
        group = officer.page.get_by_role("group", name=f"{prefix} date", exact=True)
        for box, value in zip(("Day", "Month", "Year"), london_date(moment), strict=True):
            await officer.fill(group.get_by_label(box, exact=True), value)
        await officer.fill(f"{prefix} time", time)
    for i, (name, weight) in enumerate(CRITERIA, start=1):
        row = officer.page.get_by_role("group", name=f"Criterion {i}", exact=True)
        await officer.fill(row.get_by_label("Name", exact=True), name)
        await officer.fill(row.get_by_label("Weight", exact=True), weight)
    question = officer.page.get_by_role("group", name="Question 1", exact=True)
    await officer.fill(question.get_by_label("Question", exact=True), ELIGIBILITY)
    await officer.choose("Which answer means a proposal is not eligible?", "Yes", within=question)
    await officer.button("Save and continue")

    await officer.see("challenge form with a mistake", "Create a challenge", status=400)
    summary = officer.page.get_by_role("alert")
    await expect(summary).to_contain_text("There is a problem")
    await officer.follow(summary.get_by_role("link", name=re.compile("whole number of pounds")))
    await officer.expect_focus_on("Budget", "budget_gbp")
    await officer.fill("Budget", "60000")
    await officer.button("Save and continue")

    await officer.see("check the challenge", "Check your challenge before publishing")
    # A body that registered itself waits for the service team before it can publish.
    await expect(
        officer.page.get_by_role("heading", name="Your organisation is waiting to be verified")
    ).to_be_visible()
    await expect(officer.page.get_by_role("button", name="Publish challenge")).to_have_count(0)
    await administrator_verifies(admin, story.officer.organisation)
    await officer.page.reload()
    await officer.see(
        "check the verified body's challenge", "Check your challenge before publishing"
    )
    await officer.button("Publish challenge")
    await officer.see("published challenge", story.title)
    await officer.picture("challenge")
    return urlsplit(officer.page.url).path


async def keyboard_start_up_proposes(founder: Visitor, story: Story) -> str:
    """Finds the challenge by searching and submits a proposal, with the keyboard only."""
    await register(founder, "A start-up", story.strong)
    await founder.link("Find a challenge")
    await founder.see("find a challenge", "Find a challenge")
    await founder.fill("Search", story.search)
    await founder.button("Apply filters")
    await founder.see("search results", "Find a challenge")
    await founder.picture("search")
    results = founder.page.get_by_role("heading", name=f"matching \u2018{story.search}\u2019")
    await expect(results).to_be_visible()
    await founder.link(story.title)
    await founder.see("challenge page", story.title)
    await founder.button("Start a proposal")
    await founder.see("start a proposal", "Start a proposal")
    for label, text in story.strong_proposal.items():
        await founder.fill(label, text)
    await founder.choose(ELIGIBILITY, "No")
    # Back up with Shift+Tab to correct the cost, as people do before they submit.
    await founder.focus(founder.page.get_by_label("Cost", exact=True), backwards=True)
    await founder.fill("Cost", "46500")
    await founder.button("Save and continue")
    await founder.see("check the proposal", "Check your proposal before submitting it")
    await founder.button("Submit proposal")
    await founder.see("proposal submitted", "Proposal submitted")
    await founder.link("View your proposal")
    await founder.see("own proposal", story.strong_title)
    return urlsplit(founder.page.url).path


async def start_up_proposes_after_a_mistake(founder: Visitor, story: Story) -> str:
    """Describes the start-up, finds the challenge among those that fit, fixes a mistake."""
    await register(founder, "A start-up", story.weak)
    await founder.link("Change organisation's profile")
    await founder.see("organisation profile", "Your organisation's profile")
    await founder.fill("What you do", story.weak_profile)
    await founder.button("Save profile")
    await founder.see("profile saved", "Your account")
    await founder.link("Challenges that fit you")

    fits = founder.page.get_by_role("link", name=story.title, exact=True)
    await founder.poll(fits.is_visible, what="the challenge to appear among those that fit")
    await founder.see("challenges that fit you", "Challenges that fit you")
    await founder.link(story.title)
    await founder.see("challenge page", story.title)
    await founder.button("Start a proposal")
    await founder.see("start a proposal", "Start a proposal")
    await founder.fill_all({**story.weak_proposal, "Cost": "about £30k"}.items())
    await founder.choose(ELIGIBILITY, "No")
    await founder.button("Save and continue")

    await founder.see("proposal form with a mistake", "Start a proposal", status=400)
    summary = founder.page.get_by_role("alert")
    await expect(summary).to_contain_text("whole number of pounds")
    await founder.follow(summary.get_by_role("link"))
    await founder.expect_focus_on("Cost", "cost_gbp")
    await expect(founder.page.get_by_label("Title", exact=True)).to_have_value(story.weak_title)
    await founder.fill("Cost", story.weak_proposal["Cost"])
    await founder.button("Save and continue")
    await founder.see("check the proposal", "Check your proposal before submitting it")
    await founder.button("Submit proposal")
    await founder.see("proposal submitted", "Proposal submitted")
    await founder.link("View your proposal")
    await founder.see("own proposal", story.weak_title)
    return urlsplit(founder.page.url).path


async def officer_reads_the_ranking_and_builds_a_panel(
    officer: Visitor, story: Story, challenge: str
) -> str:
    await officer.go(challenge)
    await officer.see("challenge with proposals", story.title)
    await officer.link(re.compile("ranked by the matcher"))
    table = officer.page.get_by_role("table")

    async def ranked() -> bool:
        return (
            await table.get_by_role("row").count() == 3
            and await officer.page.get_by_text("Not ranked yet").count() == 0
            and await officer.page.get_by_text("Scores are being updated").count() == 0
        )

    await officer.poll(ranked, what="both proposals to be ranked")
    await officer.see("ranked proposals", "Proposals ranked by the matcher")
    rows = table.get_by_role("row")
    await expect(rows.nth(1)).to_contain_text(story.strong_title)
    await expect(rows.nth(2)).to_contain_text(story.weak_title)
    reasons = officer.page.get_by_role("group").filter(has_text=f"1. {story.strong_title}")
    await officer.follow(reasons.get_by_text(f"1. {story.strong_title}"))
    highlighted = reasons.locator("mark.app-match-term")
    await expect(highlighted.first).to_be_visible()
    assert await highlighted.count() >= 2
    await officer.picture("ranked", top=officer.page.get_by_text("Submitted proposals, best match"))

    await officer.go(challenge)
    await officer.see("challenge with proposals", story.title)
    await officer.link("Panel members and invitations")
    await officer.see("review panel", "Review panel")
    await officer.fill("Email address", story.member.email)
    await officer.button("Add to panel")
    await officer.see("invitation created", "Invitation created")
    invitation = await officer.page.get_by_label("Invitation link").input_value()
    assert invitation.startswith(officer.journey.site.url + "/invitations/")
    return invitation


async def officer_shortlists(officer: Visitor, story: Story, challenge: str) -> None:
    await officer.go(challenge)
    await officer.see("challenge with a panel", story.title)
    await officer.button("Close early")
    await officer.see("close early", "Are you sure you want to close this challenge now?")
    await officer.button("Close challenge now")
    await officer.see("closed challenge", story.title)
    await officer.button("Start shortlisting")
    await officer.see("start shortlisting", "Start shortlisting")
    await officer.button("Start shortlisting")
    await officer.see("challenge in shortlisting", story.title)
    await officer.link("Choose the shortlist")
    await officer.see("shortlist", "Shortlist")
    await officer.tick(story.strong_title)
    await officer.tick(story.weak_title)
    await officer.button("Save shortlist")
    await officer.see("shortlist saved", "Shortlist")
    await expect(officer.page.get_by_text("The shortlist has been saved")).to_be_visible()


async def member_reviews(member: Visitor, story: Story, invitation: str, conflicted: str) -> None:
    await member.go(invitation.replace("/invitations/", "/invitations/not-"))
    await member.see("invalid invitation", "This invitation link is not valid", status=404)
    await member.go(invitation)
    await member.see("invitation", "Join the review panel")
    await member.fill("Full name", story.member.name)
    await member.fill("Create a password", PASSWORD)
    await member.button("Create account and join the panel")
    await member.see("joined the panel", "Your reviews")

    # A conflict with the second proposal: the reason is needed, then it is locked away.
    await member.link(story.weak_title)
    await member.see("declare interests", "Do you have a conflict of interest with this proposal?")
    await member.choose("Do you have a conflict of interest?", "Yes, I have a conflict of interest")
    await member.button("Continue")
    await member.see(
        "conflict without a reason",
        "Do you have a conflict of interest with this proposal?",
        status=400,
    )
    await member.fill("If you have a conflict, what is it?", story.conflict)
    await member.button("Continue")
    await member.see("conflict recorded", "Your reviews")
    await expect(member.page.get_by_role("link", name=story.weak_title)).to_have_count(0)

    await member.link(story.strong_title)
    await member.see("declare interests", "Do you have a conflict of interest with this proposal?")
    await member.choose("Do you have a conflict of interest?", "No, I have no conflict of interest")
    await member.button("Continue")
    await member.see("proposal to review", story.strong_title)
    await member.button("Score this proposal")
    await member.see("score the proposal", "Score this proposal")
    for (criterion, weight), (score, comment) in zip(CRITERIA, story.scores, strict=True):
        group = member.page.get_by_role("group", name=f"{criterion} ({weight}% of the total)")
        await member.fill(group.get_by_label("Score out of 10"), score)
        await member.fill(group.get_by_label("Comment"), comment)
    await member.picture("scoring")
    await member.button("Continue")
    await member.see("check the scores", "Check your scores before you submit")
    await member.button("Submit scores")
    await member.see("scores submitted", "Scores submitted")

    # The proposal with a conflict stays out of reach, even by its address.
    await member.go(conflicted.replace("/proposals/", "/reviews/proposals/"))
    await member.see(
        "conflicted proposal", "You do not have permission to view this page", status=403
    )


async def officer_decides(officer: Visitor, story: Story, challenge: str) -> None:
    await officer.go(challenge)
    await officer.see("challenge with the panel's scores", story.title)
    await officer.link("Panel scores and results")
    await officer.see("results", "Results")
    await officer.picture("results")
    rows = officer.page.get_by_role("table").first.get_by_role("row")
    await expect(rows.nth(1)).to_contain_text(story.strong_title)
    await expect(rows.nth(1)).to_contain_text(story.weighted_total)
    await officer.link("Decision")
    await officer.see("decision", "Decision")
    await officer.tick(story.strong_title)
    await officer.fill("Reason for your decision", story.decision)
    await officer.button("Continue")
    await officer.see("check the decision", "Check your decision")
    await officer.button("Confirm decision")
    await officer.see("decision recorded", "Decision")
    await expect(
        officer.page.get_by_role("heading", name="Decision recorded", level=2)
    ).to_be_visible()


async def start_up_reads_outcome(founder: Visitor, proposal: str, title: str, outcome: str) -> None:
    await founder.go(proposal)
    await founder.see(f"proposal after the decision: {outcome.lower()}", title)
    await founder.link("See the outcome and the panel\u2019s feedback")
    await founder.see(
        f"outcome: {outcome.lower()}",
        "Outcome of your proposal",
    )
    await expect(founder.page.get_by_text(outcome, exact=True).first).to_be_visible()
    letter = founder.page.get_by_role("heading", name="Your feedback letter")
    await expect(letter).to_be_visible()
    if outcome == "Awarded":
        await founder.picture("outcome", top=letter)


async def wrong_turns(founder: Visitor, other_proposal: str) -> None:
    """Pages a start-up can reach by typing an address: each answers plainly."""
    await founder.go(other_proposal)
    await founder.see("another start-up's proposal", "Page not found", status=404)
    await founder.go("/challenges/new")
    await founder.see(
        "a page for public bodies", "You do not have permission to view this page", status=403
    )


async def tell(journey: Journey, story: Story) -> None:
    """The whole story, each person in their own browser."""
    try:
        officer = await journey.visitor("officer")
        strong = await journey.visitor("start-up using the keyboard", keyboard_only=True)
        weak = await journey.visitor("start-up")
        member = await journey.visitor("panel member")
        admin = await journey.visitor("administrator")

        challenge = await officer_publishes_a_challenge(officer, admin, story)
        strong_proposal = await keyboard_start_up_proposes(strong, story)
        weak_proposal = await start_up_proposes_after_a_mistake(weak, story)
        await wrong_turns(strong, weak_proposal)
        invitation = await officer_reads_the_ranking_and_builds_a_panel(officer, story, challenge)
        await officer_shortlists(officer, story, challenge)
        await member_reviews(member, story, invitation, weak_proposal)
        await officer_decides(officer, story, challenge)
        await start_up_reads_outcome(strong, strong_proposal, story.strong_title, "Awarded")
        await start_up_reads_outcome(weak, weak_proposal, story.weak_title, "Not awarded")
    except BaseException as failure:
        journey.note_problems(failure)
        raise
    finally:
        await journey.close()


async def test_every_person_s_journey_works_in_a_browser_with_and_without_javascript(
    browser: Browser, site: Site
) -> None:
    await site.command(
        "create-admin", "--email", ADMIN_EMAIL, "--name", "Service Admin", "--password", PASSWORD
    )
    with_javascript = Journey(browser, site, "javascript", javascript=True)
    without_javascript = Journey(browser, site, "no-javascript", javascript=False)
    async with asyncio.TaskGroup() as journeys:
        journeys.create_task(tell(with_javascript, BINS))
        journeys.create_task(tell(without_javascript, ADAPTATIONS))
    verdict(site, [with_javascript, without_javascript], KNOWN_BUGS)
