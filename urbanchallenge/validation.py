"""Field validation shared by every area: one error per field, in form order.

Services raise :class:`ValidationFailed`; pages turn it into the GOV.UK error
summary and the API into a problem+json body with ``errors``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from urllib.parse import urlsplit


class ValidationFailed(Exception):
    """Bad input. ``errors`` maps a field name to a message a person can act on."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


class Errors:
    """Collects the first problem with each field, then raises them all together."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def __contains__(self, field: str) -> bool:
        return field in self.errors

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def whole_number(text: str, max_digits: int = 9) -> int | None:
    """``text`` as a whole number written with at most ``max_digits`` ASCII digits (9 keeps it
    within the database's integer ids), else None. ``str.isdigit`` alone also accepts other
    digits, such as '²', which ``int`` refuses: that was a 500 for anyone who typed one."""
    if text.isascii() and text.isdigit() and len(text) <= max_digits:
        return int(text)
    return None


def clean_text(value: object, *, multiline: bool = False) -> str:
    """Normalise user text: NFC, no control characters, trimmed; single-line unless asked."""
    text = "" if value is None else str(value)
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    if not multiline:
        text = " ".join(text.split())
    return text.strip()


def text_field(
    errors: Errors,
    data: Mapping[str, object],
    field: str,
    label: str,
    *,
    max_length: int,
    required: bool = True,
    multiline: bool = False,
) -> str:
    value = clean_text(data.get(field), multiline=multiline)
    if required and not value:
        errors.add(field, f"Enter {label}")
    elif len(value) > max_length:
        errors.add(field, f"{label[0].upper()}{label[1:]} must be {max_length} characters or fewer")
    return value


def email_field(errors: Errors, data: Mapping[str, object], field: str = "email") -> str:
    value = clean_text(data.get(field)).lower()
    if not value:
        errors.add(field, "Enter your email address")
    elif len(value) > 254 or not EMAIL_RE.match(value):
        errors.add(field, "Enter an email address in the correct format, like name@example.org")
    return value


def website_field(errors: Errors, data: Mapping[str, object], field: str = "website") -> str:
    value = clean_text(data.get(field))
    if not value:
        return ""
    if "://" not in value:
        value = "https://" + value
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or "." not in parts.netloc or len(value) > 300:
        errors.add(field, "Enter a website address in the correct format, like https://example.org")
    return value


def whole_pounds_field(
    errors: Errors,
    data: Mapping[str, object],
    field: str,
    label: str,
    *,
    maximum: int = 10_000_000_000,
) -> int | None:
    """Parse an amount in whole pounds; accepts "£12,500" and "12500"."""
    raw = clean_text(data.get(field))
    if isinstance(data.get(field), int) and not isinstance(data.get(field), bool):
        raw = str(data.get(field))
    if not raw:
        errors.add(field, f"Enter {label}")
        return None
    digits = raw.replace(",", "").replace("£", "").strip()
    if not re.fullmatch(r"\d{1,13}", digits):
        errors.add(
            field, f"{label[0].upper()}{label[1:]} must be a whole number of pounds, like 25000"
        )
        return None
    amount = int(digits)
    if amount > maximum:
        errors.add(field, f"{label[0].upper()}{label[1:]} must be £{maximum:,} or less")
        return None
    return amount
