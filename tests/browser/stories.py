"""Who takes part in a browser journey and what they type.

Two stories run side by side on the same server, one in browsers with JavaScript and
one without, so each has its own public body, start-ups, panel member and words
(the matcher would otherwise flag one story's proposals as copies of the other's).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    organisation: str = ""


@dataclass(frozen=True)
class Story:
    """One public body's challenge and everyone who answers or judges it."""

    officer: Person
    challenge: dict[str, str]  # form label -> what the officer types
    service_area: str
    search: str  # what the keyboard-only start-up searches for
    strong: Person  # proposes by keyboard only; is awarded
    strong_proposal: dict[str, str]
    weak: Person  # finds the challenge among those that fit; makes a mistake first
    weak_profile: str
    weak_proposal: dict[str, str]
    member: Person  # joins the panel by invitation; has a conflict with the weak proposal
    conflict: str
    scores: tuple[tuple[str, str], tuple[str, str]]  # (score, comment) per criterion
    weighted_total: str
    decision: str

    @property
    def title(self) -> str:
        return self.challenge["Title"]

    @property
    def strong_title(self) -> str:
        return self.strong_proposal["Title"]

    @property
    def weak_title(self) -> str:
        return self.weak_proposal["Title"]


CRITERIA = (("Understanding of the problem", "40"), ("Value for money", "60"))
ELIGIBILITY = "Will you store residents' data outside the UK?"
PASSWORD = "correct horse battery staple"
# the service team's administrator, made with `urbanchallenge create-admin`
ADMIN_EMAIL = "admin@service.example"

BINS = Story(
    officer=Person("Priya Shah", "priya@sandwell.test", "Sandwell Council"),
    challenge={
        "Title": "Reduce missed bin collections at high-rise blocks",
        "Summary": "Collections at tower blocks are missed when lorries cannot reach bin stores.",
        "The problem": (
            "Refuse lorries miss collections at high-rise blocks in Sandwell when access roads "
            "are blocked by parked cars, bin store doors are locked or chutes are jammed. "
            "Residents report overflowing bins and fly-tipping follows within days."
        ),
        "The outcomes you want": (
            "Missed collections at high-rise blocks down by half within a year."
        ),
        "Location": "Sandwell",
    },
    service_area="Waste and recycling",
    search="tower block bins missed",
    strong=Person("Tomasz Nowak", "tomasz@binsense.test", "Binsense"),
    strong_proposal={
        "Title": "Bin store access sensors for tower blocks",
        "Summary": "Door and chute sensors tell crews before a round which bin stores are open.",
        "Your approach": (
            "We fit sensors to bin store doors and chutes in high-rise blocks and alert the "
            "collection crew and caretakers when a store is locked or a chute jammed, so "
            "missed collections are prevented rather than reported."
        ),
        "Evidence of impact": (
            "In a pilot of 12 tower blocks missed collections fell by 61% over six months."
        ),
        "Your team": "Two engineers and a former refuse crew supervisor.",
        "Cost": "48000",
        "Timeline": "Install in three months, run for nine.",
    },
    weak=Person("Grace Adeyemi", "grace@roundwise.test", "Roundwise"),
    weak_profile=(
        "We help councils with waste and recycling: refuse collection rounds, missed bin "
        "collections, bin stores and fly-tipping at flats and high-rise blocks."
    ),
    weak_proposal={
        "Title": "Route planning for refuse crews",
        "Summary": "A planning tool that orders collection rounds around parked cars.",
        "Your approach": (
            "Crews get a round plan each morning that avoids streets where parked cars usually "
            "block refuse lorries, using the council's parking and roadworks data."
        ),
        "Evidence of impact": "Rounds finished 20 minutes earlier in a trial with one depot.",
        "Your team": "A logistics analyst and two developers.",
        "Cost": "35000",
        "Timeline": "Live in eight weeks.",
    },
    member=Person("Helen Marsh", "helen.marsh@panel.test"),
    conflict="I advised Roundwise on its route planning in 2025.",
    scores=(
        ("9", "Specific to tower blocks, and the pilot shows it understands the causes."),
        ("7", "Costed against the pilot; the install period looks tight."),
    ),
    weighted_total="78.0",  # 9/10 x 40 + 7/10 x 60
    decision="Binsense prevents missed collections at the bin store, where they start.",
)

ADAPTATIONS = Story(
    officer=Person("Owen Price", "owen@dudley.test", "Dudley Council"),
    challenge={
        "Title": "Fit home adaptations sooner for older residents",
        "Summary": "Older residents wait months for grab rails, ramps and stair lifts.",
        "The problem": (
            "Older and disabled residents in Dudley wait up to nine months for an occupational "
            "therapy assessment before a grab rail, ramp or stair lift is fitted. Some fall at "
            "home while they wait, and some move into residential care."
        ),
        "The outcomes you want": "Most home adaptations fitted within eight weeks of a request.",
        "Location": "Dudley",
    },
    service_area="Adult social care",
    search="waiting for home adaptations",
    strong=Person("Amara Lewis", "amara@rightrail.test", "Rightrail"),
    strong_proposal={
        "Title": "Video assessments for simple home adaptations",
        "Summary": "Occupational therapists assess simple adaptations by video call in days.",
        "Your approach": (
            "Residents or carers show the bathroom, stairs or doorway on a video call and an "
            "occupational therapist orders grab rails and ramps the same week, keeping home "
            "visits for stair lifts and complex adaptations."
        ),
        "Evidence of impact": (
            "Waits for simple adaptations fell from 14 weeks to 3 in a pilot with one council."
        ),
        "Your team": "Two occupational therapists and a developer.",
        "Cost": "52000",
        "Timeline": "Pilot for three months, then roll out over six.",
    },
    weak=Person("Daniel Osei", "daniel@fixerlist.test", "Fixerlist"),
    weak_profile=(
        "We help older and disabled residents live at home: a directory of approved builders "
        "who fit home adaptations such as grab rails, ramps and stair lifts."
    ),
    weak_proposal={
        "Title": "A directory of approved adaptation builders",
        "Summary": "Residents choose an approved builder from a directory and book a visit.",
        "Your approach": (
            "A website lists builders approved by the council, with prices and reviews, so "
            "residents can book one themselves once an adaptation is approved."
        ),
        "Evidence of impact": "Two housing associations list their contractors with us.",
        "Your team": "A founder and a freelance developer.",
        "Cost": "30000",
        "Timeline": "Live in ten weeks.",
    },
    member=Person("Ravi Kumar", "ravi.kumar@panel.test"),
    conflict="My sister works for Fixerlist.",
    scores=(
        ("8", "Understands why people wait: the assessment, not the fitting."),
        ("6", "The roll-out costs are not broken down."),
    ),
    weighted_total="68.0",  # 8/10 x 40 + 6/10 x 60
    decision="Rightrail shortens the assessment wait, which is where residents wait longest.",
)
