"""Blind panels: what hides a start-up's identity from panel members. Pure: no ORM.

Members of a blind panel never see the organisation's name or website. A proposal
may name its own start-up in its text, so every mention of the name (with and
without a legal suffix such as "Ltd"), the website's address and the brand in it
is replaced with ``[start-up name]``. The team section is shown as the start-up
wrote it (people's names included: the panel judges the team), with the
organisation's name redacted like everywhere else.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

REDACTED = "[start-up name]"
_SUFFIX = re.compile(
    r"[\s,]+(ltd\.?|limited|llp|plc|cic|c\.i\.c\.|co-operative|cooperative|"
    r"community interest company|technology|technologies|group|uk)$",
    re.IGNORECASE,
)


def identity_terms(name: str, website: str = "") -> tuple[list[str], list[str]]:
    """The terms that identify an organisation: (matched in any case, matched as written).

    The full and shortened names and the web address are matched in any case. The
    brand in the web address (``shiftbus`` in ``https://shiftbus.example``) and the
    first word of the name may be everyday words (a "kerbside" start-up writing about
    kerbside loading), so they are matched only when capitalised as a name.
    """
    any_case = {name.strip()}
    short = name.strip()
    while True:
        shorter = _SUFFIX.sub("", short).strip()
        if shorter == short or not shorter:
            break
        short = shorter
    any_case.add(short)
    capitalised: set[str] = set()
    first = short.split()[0] if short.split() else ""
    if len(first) >= 4:
        capitalised.add(first[:1].upper() + first[1:])
    if website:
        address = website if "://" in website else "https://" + website
        host = (urlsplit(address).hostname or "").removeprefix("www.")
        if host:
            any_case.add(host)
            brand = host.split(".")[0]
            if len(brand) >= 4:
                capitalised.add(brand[:1].upper() + brand[1:])
    longest_first = sorted((t for t in any_case if len(t) >= 3), key=len, reverse=True)
    return longest_first, sorted(capitalised - set(longest_first), key=len, reverse=True)


def redact(text: str, name: str, website: str = "") -> str:
    """``text`` with every mention of the organisation replaced by ``[start-up name]``."""
    any_case, capitalised = identity_terms(name, website)
    for term in any_case:
        text = re.sub(rf"(?<!\w){re.escape(term)}(?!\w)", REDACTED, text, flags=re.IGNORECASE)
    for term in capitalised:
        text = re.sub(rf"(?<!\w){re.escape(term)}(?!\w)", REDACTED, text)
    return text
