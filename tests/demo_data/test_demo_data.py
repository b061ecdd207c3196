"""Checks that the demo data in fixtures/demo honours the fixture schema and the demo brief.

The loader reads these files as they are, so every rule the loader relies on (references,
counts, stages, offsets, review completeness) is checked here, without a database.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import pytest

DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
FILES = ("organisations", "users", "challenges", "proposals", "reviews")
EMAIL_DOMAIN = "@demo.urbanchallenge.example"
SERVICE_AREAS = {
    "transport",
    "adult_social_care",
    "waste",
    "housing",
    "air_quality",
    "health",
    "justice",
    "digital_inclusion",
    "energy",
}
STAGES = {"draft", "open", "closed", "shortlisting", "decided", "withdrawn"}
REVIEWED_STAGES = {"shortlisting", "decided"}
AFTER_CLOSING = {"closed", "shortlisting", "decided"}
KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
WORD = re.compile(r"[a-z0-9£']+")

Record = dict[str, Any]


@cache
def load(name: str) -> list[Record]:
    with (DEMO / f"{name}.json").open(encoding="utf-8") as f:
        data = json.load(f)
    assert isinstance(data, list), f"{name}.json must hold a list"
    return data


def orgs() -> list[Record]:
    return load("organisations")


def users() -> list[Record]:
    return load("users")


def challenges() -> list[Record]:
    return load("challenges")


def proposals() -> list[Record]:
    return load("proposals")


def reviews() -> list[Record]:
    return load("reviews")


def org_kinds() -> dict[str, str]:
    return {o["slug"]: o["kind"] for o in orgs()}


def challenge_by_slug() -> dict[str, Record]:
    return {c["slug"]: c for c in challenges()}


def proposal_by_slug() -> dict[str, Record]:
    return {p["slug"]: p for p in proposals()}


def reviewer_emails() -> set[str]:
    return {u["email"] for u in users() if u["role"] == "reviewer"}


def body_tokens(p: Record) -> set[str]:
    text = " ".join([p["summary"], p["approach"], p["impact"]]).lower()
    return set(WORD.findall(text))


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b)


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def declared_duplicate_pairs() -> set[frozenset[str]]:
    return {
        frozenset((p["slug"], p["near_duplicate_of"]))
        for p in proposals()
        if p["near_duplicate_of"] is not None
    }


# ---------------------------------------------------------------- files


@pytest.mark.parametrize("name", FILES)
def test_each_fixture_file_is_pretty_printed_utf8_json_list(name: str) -> None:
    raw = (DEMO / f"{name}.json").read_bytes()
    text = raw.decode("utf-8")
    assert text.startswith("[\n  "), f"{name}.json is not pretty-printed"
    assert isinstance(json.loads(text), list)


def test_no_record_anywhere_carries_a_password() -> None:
    for name in FILES:
        text = (DEMO / f"{name}.json").read_text(encoding="utf-8").lower()
        assert '"password' not in text, f"{name}.json has a password field"


# ---------------------------------------------------------------- organisations


def test_organisation_slugs_are_unique_and_kebab_case() -> None:
    slugs = [o["slug"] for o in orgs()]
    assert len(slugs) == len(set(slugs))
    assert all(KEBAB.match(s) for s in slugs), [s for s in slugs if not KEBAB.match(s)]


def test_organisations_have_only_the_schema_fields_with_valid_values() -> None:
    for o in orgs():
        fields = {"slug", "name", "kind", "region", "website"}
        assert set(o) - {"awaiting_verification"} == fields, o["slug"]
        assert o.get("awaiting_verification", True) is True, o["slug"]
        assert o["kind"] in {"public_body", "startup"}
        assert o["name"].strip() and o["region"].strip()
        assert o["website"].startswith("https://"), o["slug"]


def test_there_are_at_least_eight_public_bodies_and_fifteen_startups() -> None:
    kinds = Counter(o["kind"] for o in orgs())
    assert kinds["public_body"] >= 8
    assert kinds["startup"] == 15


def test_one_public_body_waits_for_verification_with_an_officer_and_no_challenges() -> None:
    # so that an administrator trying the demo has a body to verify
    waiting = [o["slug"] for o in orgs() if o.get("awaiting_verification")]
    assert len(waiting) == 1 and org_kinds()[waiting[0]] == "public_body"
    assert any(u["organisation"] == waiting[0] for u in users())
    assert all(c["organisation"] != waiting[0] for c in load("challenges"))


def test_startup_websites_use_reserved_example_domains() -> None:
    for o in orgs():
        if o["kind"] == "startup":
            assert re.match(r"^https://[a-z0-9-]+\.example/?$", o["website"]), o["website"]


def test_public_body_websites_are_official_domains() -> None:
    for o in orgs():
        if o["kind"] == "public_body":
            host = o["website"].split("/")[2]
            assert host.endswith((".gov.uk", ".nhs.uk", ".org.uk")) or host == "www.gov.uk", host


# ---------------------------------------------------------------- users


def test_user_emails_are_unique_lower_case_and_on_the_demo_domain() -> None:
    emails = [u["email"] for u in users()]
    assert len(emails) == len(set(emails))
    for e in emails:
        assert e == e.lower() and e.endswith(EMAIL_DOMAIN), e


def test_users_have_only_the_schema_fields() -> None:
    for u in users():
        assert set(u) == {"email", "name", "role", "organisation"}, u["email"]
        assert u["name"].strip()


def test_user_roles_match_the_kind_of_their_organisation() -> None:
    kinds = org_kinds()
    expected = {"council_officer": "public_body", "startup_member": "startup"}
    for u in users():
        if u["role"] in expected:
            assert kinds.get(u["organisation"]) == expected[u["role"]], u["email"]
        else:
            assert u["role"] in {"reviewer", "admin"}, u["email"]
            assert u["organisation"] is None, u["email"]


def test_every_public_body_has_an_officer_and_every_startup_a_member() -> None:
    staffed = {u["organisation"] for u in users() if u["organisation"]}
    assert set(org_kinds()) <= staffed, set(org_kinds()) - staffed


def test_there_are_six_reviewers_and_one_admin() -> None:
    roles = Counter(u["role"] for u in users())
    assert roles["reviewer"] == 6
    assert roles["admin"] == 1


# ---------------------------------------------------------------- challenges


def test_challenge_slugs_are_unique_and_kebab_case() -> None:
    slugs = [c["slug"] for c in challenges()]
    assert len(slugs) == len(set(slugs))
    assert all(KEBAB.match(s) for s in slugs)


def test_there_are_thirty_challenges_owned_by_public_bodies() -> None:
    assert len(challenges()) == 30
    kinds = org_kinds()
    for c in challenges():
        assert kinds.get(c["organisation"]) == "public_body", c["slug"]


def test_challenges_have_only_the_schema_fields() -> None:
    fields = {
        "slug", "organisation", "title", "summary", "problem", "outcomes", "service_area",
        "location", "budget_gbp", "stage", "opens_offset_days", "closes_offset_days",
        "criteria", "eligibility", "clarifications",
    }  # fmt: skip
    for c in challenges():
        assert set(c) == fields, (c["slug"], set(c) ^ fields)


def test_challenge_texts_respect_length_limits() -> None:
    for c in challenges():
        assert 0 < len(c["title"]) <= 120, c["slug"]
        assert 0 < len(c["summary"]) <= 300, c["slug"]
        assert 120 <= len(c["problem"].split()) <= 300, c["slug"]
        assert len(c["outcomes"].split()) >= 20, c["slug"]
        assert c["location"].strip(), c["slug"]


def test_every_outcome_statement_contains_a_number() -> None:
    for c in challenges():
        assert re.search(r"\d", c["outcomes"]), c["slug"]


def test_budgets_are_positive_whole_pounds() -> None:
    for c in challenges():
        assert isinstance(c["budget_gbp"], int) and c["budget_gbp"] > 0, c["slug"]


def test_every_service_area_has_at_least_two_challenges() -> None:
    areas = Counter(c["service_area"] for c in challenges())
    assert set(areas) == SERVICE_AREAS
    assert min(areas.values()) >= 2, areas


def test_stage_counts_match_the_brief() -> None:
    stages = Counter(c["stage"] for c in challenges())
    assert set(stages) <= STAGES
    assert stages["draft"] >= 3
    assert stages["open"] >= 14
    assert stages["closed"] >= 3
    assert stages["shortlisting"] >= 4
    assert stages["decided"] >= 4
    assert stages["withdrawn"] >= 2


def test_every_challenge_weights_sum_to_100() -> None:
    for c in challenges():
        crit = c["criteria"]
        assert 3 <= len(crit) <= 5, c["slug"]
        assert sum(x["weight"] for x in crit) == 100, c["slug"]
        assert all(isinstance(x["weight"], int) and x["weight"] > 0 for x in crit)
        names = [x["name"] for x in crit]
        assert len(names) == len(set(names)), c["slug"]
        assert all(x["description"].strip() for x in crit), c["slug"]


def test_criteria_weightings_vary_between_challenges() -> None:
    patterns = {tuple(x["weight"] for x in c["criteria"]) for c in challenges()}
    assert len(patterns) >= 10


def test_offsets_are_consistent_with_each_stage() -> None:
    for c in challenges():
        opens, closes, stage = c["opens_offset_days"], c["closes_offset_days"], c["stage"]
        assert isinstance(opens, int) and isinstance(closes, int)
        assert opens < closes, c["slug"]
        if stage == "draft":
            assert opens > 0, c["slug"]
        elif stage == "open":
            assert opens < 0 < closes, c["slug"]
        elif stage in AFTER_CLOSING:
            assert closes < 0, c["slug"]


def test_open_challenges_have_varied_closing_dates_and_some_close_within_a_week() -> None:
    closes = [c["closes_offset_days"] for c in challenges() if c["stage"] == "open"]
    assert len(set(closes)) >= len(closes) - 2
    assert 2 <= sum(1 for d in closes if d <= 7) <= 5


def test_eligibility_questions_are_yes_no_with_boolean_knockouts() -> None:
    for c in challenges():
        assert len(c["eligibility"]) <= 3, c["slug"]
        for q in c["eligibility"]:
            assert set(q) == {"question", "knockout_answer"}
            assert q["question"].strip().endswith("?"), q["question"]
            assert isinstance(q["knockout_answer"], bool)


def test_clarifications_are_few_dated_after_opening_and_in_the_past() -> None:
    with_clarifications = 0
    for c in challenges():
        if c["clarifications"]:
            with_clarifications += 1
            assert c["opens_offset_days"] < 0, c["slug"]
        for cl in c["clarifications"]:
            assert set(cl) == {"text", "offset_days"}
            assert cl["text"].strip()
            assert cl["offset_days"] > 0, c["slug"]
            assert c["opens_offset_days"] + cl["offset_days"] < 0, c["slug"]
    assert 0 < with_clarifications < len(challenges())


def test_short_text_fields_fit_their_database_columns() -> None:
    limits = [
        (orgs(), {"name": 160, "region": 80, "website": 300}),
        (users(), {"email": 254, "name": 120}),
        (challenges(), {"title": 120, "summary": 300, "location": 120}),
        (proposals(), {"title": 120}),
    ]
    for records, fields in limits:
        for record in records:
            for key, limit in fields.items():
                assert len(record[key]) <= limit, (key, record[key])
    for c in challenges():
        assert all(len(x["name"]) <= 100 for x in c["criteria"]), c["slug"]
        assert all(len(q["question"]) <= 300 for q in c["eligibility"]), c["slug"]


# ---------------------------------------------------------------- proposals


def test_proposal_slugs_are_unique_and_kebab_case() -> None:
    slugs = [p["slug"] for p in proposals()]
    assert len(slugs) == len(set(slugs))
    assert all(KEBAB.match(s) for s in slugs)


def test_there_are_two_hundred_proposals() -> None:
    assert len(proposals()) >= 200


def test_proposals_have_only_the_schema_fields_with_valid_values() -> None:
    fields = {
        "slug", "challenge", "startup", "title", "summary", "approach", "impact", "team",
        "cost_gbp", "timeline", "eligibility_answers", "status", "fit", "near_duplicate_of",
    }  # fmt: skip
    for p in proposals():
        assert set(p) == fields, (p["slug"], set(p) ^ fields)
        assert p["status"] in {"draft", "submitted", "withdrawn"}, p["slug"]
        assert p["fit"] in {"strong", "moderate", "weak"}, p["slug"]
        assert isinstance(p["cost_gbp"], int) and p["cost_gbp"] > 0, p["slug"]
        for key in ("title", "summary", "approach", "impact", "team", "timeline"):
            assert isinstance(p[key], str) and p[key].strip(), (p["slug"], key)


def test_proposals_reference_an_existing_challenge_and_startup() -> None:
    kinds, chs = org_kinds(), challenge_by_slug()
    for p in proposals():
        assert p["challenge"] in chs, p["slug"]
        assert kinds.get(p["startup"]) == "startup", p["slug"]


def test_every_startup_submits_several_proposals_and_generalists_many() -> None:
    counts = Counter(p["startup"] for p in proposals())
    startups = [s for s, k in org_kinds().items() if k == "startup"]
    assert all(counts[s] >= 3 for s in startups), counts
    assert max(counts.values()) >= 20, "some start-ups should bid on almost everything"


def test_no_startup_proposes_twice_to_the_same_challenge() -> None:
    pairs = Counter((p["startup"], p["challenge"]) for p in proposals())
    assert [k for k, n in pairs.items() if n > 1] == []


def test_draft_challenges_have_no_proposals() -> None:
    chs = challenge_by_slug()
    assert [p["slug"] for p in proposals() if chs[p["challenge"]]["stage"] == "draft"] == []


def test_open_challenges_have_a_mix_of_submitted_and_draft_proposals() -> None:
    chs = challenge_by_slug()
    by_challenge: dict[str, Counter[str]] = defaultdict(Counter)
    for p in proposals():
        by_challenge[p["challenge"]][p["status"]] += 1
    open_slugs = [c["slug"] for c in challenges() if c["stage"] == "open"]
    for slug in open_slugs:
        assert by_challenge[slug]["submitted"] >= 2, slug
    assert sum(by_challenge[s]["draft"] for s in open_slugs) >= 10
    assert sum(1 for s in open_slugs if by_challenge[s]["draft"]) >= len(open_slugs) // 2
    for p in proposals():
        if chs[p["challenge"]]["stage"] in AFTER_CLOSING:
            assert p["status"] in {"submitted", "withdrawn"}, p["slug"]


def test_a_couple_of_proposals_were_withdrawn() -> None:
    assert 2 <= sum(1 for p in proposals() if p["status"] == "withdrawn") <= 6


def test_proposals_answer_every_eligibility_question_with_a_boolean() -> None:
    chs = challenge_by_slug()
    for p in proposals():
        questions = chs[p["challenge"]]["eligibility"]
        answers = p["eligibility_answers"]
        assert len(answers) == len(questions), p["slug"]
        assert all(isinstance(a, bool) for a in answers), p["slug"]


def knocked_out(p: Record) -> bool:
    questions = challenge_by_slug()[p["challenge"]]["eligibility"]
    return any(
        a == q["knockout_answer"] for a, q in zip(p["eligibility_answers"], questions, strict=True)
    )


def test_a_few_proposals_give_a_knockout_answer() -> None:
    assert 3 <= sum(1 for p in proposals() if knocked_out(p)) <= 10


def test_fit_intents_cover_strong_moderate_and_weak() -> None:
    fits = Counter(p["fit"] for p in proposals())
    assert all(fits[f] >= 30 for f in ("strong", "moderate", "weak")), fits


def test_near_duplicates_point_to_a_proposal_on_the_same_challenge_by_another_startup() -> None:
    by_slug = proposal_by_slug()
    for p in proposals():
        original = p["near_duplicate_of"]
        if original is None:
            continue
        assert original in by_slug, p["slug"]
        assert original != p["slug"]
        assert by_slug[original]["challenge"] == p["challenge"], p["slug"]
        assert by_slug[original]["startup"] != p["startup"], p["slug"]
        assert by_slug[original]["near_duplicate_of"] is None, "chains are not allowed"


def test_there_are_three_or_four_near_duplicate_pairs_and_they_really_are_close() -> None:
    pairs = declared_duplicate_pairs()
    assert 3 <= len(pairs) <= 4
    by_slug = proposal_by_slug()
    for pair in pairs:
        a, b = (by_slug[s] for s in pair)
        assert jaccard(body_tokens(a), body_tokens(b)) >= 0.6, sorted(pair)
        assert a["approach"] != b["approach"], "a near-duplicate is lightly reworded, not a copy"


def test_proposals_that_are_not_declared_duplicates_differ_substantially() -> None:
    declared = declared_duplicate_pairs()
    toks = [(p["slug"], body_tokens(p)) for p in proposals()]
    too_close = [
        (a, b, round(jaccard(ta, tb), 2))
        for (a, ta), (b, tb) in itertools.combinations(toks, 2)
        if frozenset((a, b)) not in declared and jaccard(ta, tb) >= 0.6
    ]
    assert too_close == []


def test_texts_are_not_templated_by_shared_openings() -> None:
    for field in ("title", "summary", "approach", "impact", "team", "timeline"):
        openings = Counter(" ".join(words(p[field])[:6]) for p in proposals())
        openings.pop("", None)
        crowded = {k: n for k, n in openings.items() if n > 3 and len(k.split()) == 6}
        assert crowded == {}, (field, crowded)
    summaries = Counter(p["summary"] for p in proposals())
    assert max(summaries.values()) == 1


def test_proposal_lengths_vary_like_real_writing() -> None:
    lengths = [len(words(p["approach"])) for p in proposals()]
    assert min(lengths) < 30 and max(lengths) > 200
    assert sum(1 for n in lengths if n < 60) >= 20, "expect some terse drafts and weak pitches"
    assert sum(1 for n in lengths if n > 150) >= 20, "expect some fully argued proposals"


def test_proposals_are_written_mostly_in_british_english() -> None:
    corpus = " ".join(p["approach"] + " " + p["impact"] + " " + p["summary"] for p in proposals())
    corpus = corpus.lower()
    british = sum(
        corpus.count(w)
        for w in ("organisation", "programme", "behaviour", "centre", "recognis", "prioritis")
    )
    american = sum(
        corpus.count(w) for w in ("optimiz", "prioritiz", " center", "behavior", "color")
    )
    assert british >= 40
    assert 3 <= american < british


def test_team_descriptions_name_people() -> None:
    named = sum(1 for p in proposals() if re.search(r"[A-Z][a-z]+ [A-Z][a-z']+", p["team"]))
    assert named >= 0.9 * len(proposals())


def test_every_challenge_that_received_proposals_has_a_spread_of_fit() -> None:
    fits: dict[str, set[str]] = defaultdict(set)
    for p in proposals():
        fits[p["challenge"]].add(p["fit"])
    for slug, seen in fits.items():
        if challenge_by_slug()[slug]["stage"] != "withdrawn":
            assert len(seen) >= 2, slug


# ---------------------------------------------------------------- reviews


def reviews_by_challenge() -> dict[str, Record]:
    return {r["challenge"]: r for r in reviews()}


def test_every_shortlisting_and_decided_challenge_has_exactly_one_review() -> None:
    slugs = [r["challenge"] for r in reviews()]
    assert len(slugs) == len(set(slugs))
    expected = {c["slug"] for c in challenges() if c["stage"] in REVIEWED_STAGES}
    assert set(slugs) == expected


def test_reviews_have_only_the_schema_fields() -> None:
    fields = {"challenge", "blind", "members", "shortlist", "conflicts", "scores", "decision"}
    for r in reviews():
        assert set(r) == fields, r["challenge"]
        assert isinstance(r["blind"], bool)


def test_review_panels_have_three_distinct_reviewers() -> None:
    for r in reviews():
        assert len(r["members"]) == len(set(r["members"])) == 3, r["challenge"]
        assert set(r["members"]) <= reviewer_emails(), r["challenge"]


def test_some_panels_are_blind_and_some_are_not() -> None:
    assert len({r["blind"] for r in reviews()}) == 2


def test_shortlists_hold_three_to_five_submitted_proposals_of_that_challenge() -> None:
    by_slug = proposal_by_slug()
    for r in reviews():
        shortlist = r["shortlist"]
        assert 3 <= len(shortlist) <= 5, r["challenge"]
        assert len(shortlist) == len(set(shortlist))
        for s in shortlist:
            assert by_slug[s]["challenge"] == r["challenge"], s
            assert by_slug[s]["status"] == "submitted", s


def test_shortlisted_proposals_pass_the_eligibility_questions() -> None:
    by_slug = proposal_by_slug()
    for r in reviews():
        assert [s for s in r["shortlist"] if knocked_out(by_slug[s])] == [], r["challenge"]


def test_conflicts_are_rare_and_name_a_panel_member_and_shortlisted_proposal() -> None:
    for r in reviews():
        assert len(r["conflicts"]) <= 2, r["challenge"]
        for c in r["conflicts"]:
            assert set(c) == {"member", "proposal", "reason"}
            assert c["member"] in r["members"]
            assert c["proposal"] in r["shortlist"]
            assert c["reason"].strip()


def test_conflicted_members_have_no_scores_for_that_proposal() -> None:
    for r in reviews():
        conflicted = {(c["member"], c["proposal"]) for c in r["conflicts"]}
        bad = [s for s in r["scores"] if (s["member"], s["proposal"]) in conflicted]
        assert bad == [], r["challenge"]


def test_scores_use_panel_members_shortlisted_proposals_and_exact_criterion_names() -> None:
    chs = challenge_by_slug()
    for r in reviews():
        criteria = {x["name"] for x in chs[r["challenge"]]["criteria"]}
        seen = set()
        for s in r["scores"]:
            assert set(s) == {"member", "proposal", "criterion", "score", "comment"}
            assert s["member"] in r["members"]
            assert s["proposal"] in r["shortlist"]
            assert s["criterion"] in criteria, s["criterion"]
            assert isinstance(s["score"], int) and 0 <= s["score"] <= 10
            key = (s["member"], s["proposal"], s["criterion"])
            assert key not in seen, key
            seen.add(key)


def expected_score_keys(r: Record) -> set[tuple[str, str, str]]:
    criteria = [x["name"] for x in challenge_by_slug()[r["challenge"]]["criteria"]]
    conflicted = {(c["member"], c["proposal"]) for c in r["conflicts"]}
    return {
        (m, p, c)
        for m in r["members"]
        for p in r["shortlist"]
        for c in criteria
        if (m, p) not in conflicted
    }


def test_decided_challenges_are_completely_scored() -> None:
    for r in reviews():
        if challenge_by_slug()[r["challenge"]]["stage"] == "decided":
            got = {(s["member"], s["proposal"], s["criterion"]) for s in r["scores"]}
            assert got == expected_score_keys(r), r["challenge"]


def test_shortlisting_challenges_are_about_half_scored() -> None:
    for r in reviews():
        if challenge_by_slug()[r["challenge"]]["stage"] == "shortlisting":
            share = len(r["scores"]) / len(expected_score_keys(r))
            assert 0.3 <= share <= 0.7, (r["challenge"], share)


def test_score_comments_are_specific_and_do_not_repeat() -> None:
    comments = [s["comment"] for r in reviews() for s in r["scores"]]
    assert all(len(c.split()) >= 6 for c in comments)
    assert len(set(comments)) == len(comments)


def startup_brand_names() -> list[str]:
    """Start-up names without legal suffixes, plus one-word brands that are not everyday words."""
    everyday = {"kerbside", "loop", "byte", "northfield", "homeward", "frontdoor"}
    names = []
    for o in orgs():
        if o["kind"] == "startup":
            name = re.sub(r"\s+(Ltd|CIC|Co-operative|Technology Ltd)$", "", o["name"]).lower()
            names.append(name)
            first = name.split()[0]
            if first not in everyday:
                names.append(first)
    return names


def test_score_comments_do_not_name_startups_or_their_staff() -> None:
    names = startup_brand_names()
    people = {
        m
        for p in proposals()
        for m in re.findall(r"\b[A-Z][a-z]+ [A-Z][a-z']+(?:-[A-Z][a-z]+)?\b", p["team"])
    }
    for r in reviews():
        for s in r["scores"]:
            text = s["comment"]
            assert not any(re.search(rf"\b{re.escape(n)}\b", text.lower()) for n in names), text
            assert not any(person in text for person in people), text


def test_one_reviewer_scores_noticeably_harsher_than_the_others() -> None:
    totals: dict[str, list[int]] = defaultdict(list)
    for r in reviews():
        for s in r["scores"]:
            totals[s["member"]].append(s["score"])
    means = sorted(sum(v) / len(v) for v in totals.values())
    assert means[1] - means[0] >= 1.0, means


def test_panel_members_sometimes_disagree() -> None:
    spreads = defaultdict(list)
    for r in reviews():
        for s in r["scores"]:
            spreads[(s["proposal"], s["criterion"])].append(s["score"])
    wide = [k for k, v in spreads.items() if len(v) > 1 and max(v) - min(v) >= 3]
    assert len(wide) >= 5


def test_decisions_are_null_while_shortlisting_and_reasoned_once_decided() -> None:
    chs = challenge_by_slug()
    none_awarded = 0
    for r in reviews():
        stage = chs[r["challenge"]]["stage"]
        if stage == "shortlisting":
            assert r["decision"] is None, r["challenge"]
            continue
        decision = r["decision"]
        assert set(decision) == {"awarded", "reason"}, r["challenge"]
        assert 0 <= len(decision["awarded"]) <= 2
        assert set(decision["awarded"]) <= set(r["shortlist"])
        assert len(decision["reason"].split()) >= 15
        none_awarded += not decision["awarded"]
    assert none_awarded >= 1


def test_awarded_proposals_outscored_the_rest_of_their_shortlist() -> None:
    for r in reviews():
        if not r["decision"] or not r["decision"]["awarded"]:
            continue
        weights = {x["name"]: x["weight"] for x in challenge_by_slug()[r["challenge"]]["criteria"]}
        per_member: dict[str, list[float]] = defaultdict(list)
        for s in r["scores"]:
            per_member[s["proposal"]].append(s["score"] * weights[s["criterion"]])
        mean = {p: sum(v) / len(v) for p, v in per_member.items()}
        losers = [p for p in r["shortlist"] if p not in r["decision"]["awarded"]]
        for winner in r["decision"]["awarded"]:
            assert all(mean[winner] > mean[p] for p in losers), r["challenge"]
