"""The challenge form on pages: UK dates and times, and fixed rows of criteria and questions.

Pages ask for dates as day, month and year boxes and a time like "5:30pm", in UK
time; this module turns them into UTC for the services, and the services' field
names (``criteria.2.weight``) into the form's ids (``criteria-2-weight``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from urbanchallenge.challenges import services
from urbanchallenge.templating import london
from urbanchallenge.validation import Errors, clean_text, whole_number

LONDON = ZoneInfo("Europe/London")
CRITERIA_ROWS = 6
QUESTION_ROWS = 5
DATE_FIELDS = {"opens_at": "opening", "closes_at": "closing"}
TEXT_FIELDS = ("title", "summary", "problem", "outcomes", "service_area", "location", "budget_gbp")

_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?$")


def parse_time(text: str) -> tuple[int, int] | None:
    """Hours and minutes from "9am", "5:30pm", "17:00", "midday" or "midnight"."""
    value = clean_text(text).lower().replace(" ", "")
    if value in {"midday", "noon", "12noon", "12midday"}:
        return 12, 0
    if value in {"midnight", "12midnight"}:
        return 0, 0
    match = _TIME.match(value)
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = (match.group(3) or "").replace(".", "")
    if minute > 59:
        return None
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    elif hour > 23:
        return None
    return hour, minute


def parse_london(errors: Errors, data: Mapping[str, str], name: str, label: str) -> datetime | None:
    """A date (day, month, year boxes) and a time in UK time, as aware UTC.

    Errors are keyed by the box that is wrong (``closes_at-month``, ``closes_at-time``).
    """
    parts = {p: clean_text(data.get(f"{name}-{p}")) for p in ("day", "month", "year")}
    typed_time = clean_text(data.get(f"{name}-time"))
    missing = [p for p, v in parts.items() if not v]
    date_ok = False
    if len(missing) == 3:
        errors.add(f"{name}-day", f"Enter the {label} date")
    elif missing:
        errors.add(f"{name}-{missing[0]}", f"The {label} date must include a {missing[0]}")
    elif (
        (year := whole_number(parts["year"], 4)) is None
        or (month := whole_number(parts["month"], 2)) is None
        or (day_of_month := whole_number(parts["day"], 2)) is None
        or len(parts["year"]) != 4
    ):
        errors.add(f"{name}-day", f"The {label} date must be a real date, like 27 3 2027")
    else:
        try:
            day = datetime(year, month, day_of_month)
        except ValueError:
            errors.add(f"{name}-day", f"The {label} date must be a real date, like 27 3 2027")
        else:
            date_ok = True
    clock = parse_time(typed_time) if typed_time else None
    if not typed_time:
        errors.add(f"{name}-time", f"Enter the {label} time, like 12pm or 5:30pm")
    elif clock is None:
        errors.add(f"{name}-time", f"Enter the {label} time as a time of day, like 12pm or 5:30pm")
    if not date_ok or clock is None:
        return None
    local = day.replace(hour=clock[0], minute=clock[1], tzinfo=LONDON)
    moment = local.astimezone(UTC)
    if moment.astimezone(LONDON).replace(tzinfo=None) != local.replace(tzinfo=None):
        errors.add(
            f"{name}-time",
            f"That {label} time does not exist in the UK on that day, because the clocks go "
            "forward. Choose another time",
        )
        return None
    return moment


def form_id(key: str) -> str:
    """The page's id for a service's field name: the first box of a date, dashes for rows."""
    if key in DATE_FIELDS:
        return f"{key}-day"
    return key.replace(".", "-")


def page_errors(errors: Mapping[str, str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, message in errors.items():
        found.setdefault(form_id(key), message)
    return found


@dataclass
class ChallengeForm:
    """What the officer typed: the service's input, plus the values to show again."""

    values: dict[str, str] = field(default_factory=dict)
    criteria: list[dict[str, str]] = field(default_factory=list)
    questions: list[dict[str, str]] = field(default_factory=list)
    errors: Errors = field(default_factory=Errors)
    data: dict[str, Any] = field(default_factory=dict)


def _row_count(data: Mapping[str, str], name: str, default: int, maximum: int) -> int:
    count = whole_number(data.get(name, ""), 3)
    return max(default, min(default if count is None else count, maximum))


def read(data: Mapping[str, str]) -> ChallengeForm:
    """Parse a posted challenge form. Blank criteria and question rows are ignored."""
    form = ChallengeForm()
    form.values = {k: data.get(k, "") for k in TEXT_FIELDS}
    for name in DATE_FIELDS:
        for part in ("day", "month", "year", "time"):
            form.values[f"{name}-{part}"] = data.get(f"{name}-{part}", "")
    form.data = {k: data.get(k, "") for k in TEXT_FIELDS}
    for name, label in DATE_FIELDS.items():
        form.data[name] = parse_london(form.errors, data, name, label)
    # The form says how many rows it showed, so rows added with "Add another" are read too.
    criteria_rows = _row_count(data, "criteria_rows", CRITERIA_ROWS, services.MAX_CRITERIA)
    question_rows = _row_count(data, "eligibility_rows", QUESTION_ROWS, services.MAX_QUESTIONS)
    criteria: list[dict[str, str] | None] = []
    for i in range(criteria_rows):
        row = {p: data.get(f"criteria-{i}-{p}", "") for p in ("name", "description", "weight")}
        form.criteria.append(row)
        criteria.append(row if any(clean_text(v) for v in row.values()) else None)
    questions: list[dict[str, str] | None] = []
    for i in range(question_rows):
        row = {p: data.get(f"eligibility-{i}-{p}", "") for p in ("question", "knockout_answer")}
        form.questions.append(row)
        questions.append(row if any(clean_text(v) for v in row.values()) else None)
    form.data["criteria"] = criteria
    form.data["eligibility"] = questions
    return form


def _local_parts(moment: datetime) -> dict[str, str]:
    local = moment.astimezone(LONDON)
    return {
        "day": str(local.day),
        "month": str(local.month),
        "year": str(local.year),
        "time": london(moment, "%-I:%M%p"),
    }


def from_stored(values: Mapping[str, Any]) -> ChallengeForm:
    """The form filled in from a stored draft (``services.current_values``)."""
    form = ChallengeForm()
    form.values = {k: "" if values.get(k) is None else str(values[k]) for k in TEXT_FIELDS}
    for name in DATE_FIELDS:
        moment = values.get(name)
        if isinstance(moment, datetime):
            for part, text in _local_parts(moment).items():
                form.values[f"{name}-{part}"] = text
    form.criteria = [
        {"name": c["name"], "description": c["description"], "weight": str(c["weight"])}
        for c in values.get("criteria", [])
    ]
    form.questions = [
        {"question": q["question"], "knockout_answer": "yes" if q["knockout_answer"] else "no"}
        for q in values.get("eligibility", [])
    ]
    return form


def padded(rows: list[dict[str, str]], minimum: int, keys: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows to show: those typed, then blank ones up to ``minimum``."""
    shown = list(rows)
    while len(shown) < minimum:
        shown.append(dict.fromkeys(keys, ""))
    return shown
