"""Password hashing with argon2id (RFC 9106 parameters), off the event loop, and the rules
for a new password: long enough, not absurdly long, and not a common password."""

from __future__ import annotations

import functools
import re
import unicodedata
from importlib import resources

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from starlette.concurrency import run_in_threadpool

MIN_LENGTH = 12
# Long passphrases are welcome; the cap only stops a megabyte "password" tying up a core.
MAX_LENGTH = 1024


def default_hasher() -> PasswordHasher:
    """argon2id with RFC 9106's second recommended option: t=3, 64 MiB, 4 lanes."""
    return PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4, type=Type.ID)


class Hashing:
    """Holds the hasher so tests can swap in cheaper (still argon2id) parameters."""

    hasher = default_hasher()
    # A hash of a random string, verified when an account does not exist so that
    # a sign-in for an unknown email takes as long as one for a known email.
    _dummy: str | None = None

    @classmethod
    def use(cls, hasher: PasswordHasher) -> None:
        cls.hasher = hasher
        cls._dummy = None

    @classmethod
    def dummy_hash(cls) -> str:
        if cls._dummy is None:
            cls._dummy = cls.hasher.hash("not a real password: equalises timing")
        return cls._dummy


async def hash_password(password: str) -> str:
    return await run_in_threadpool(Hashing.hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash, spend the same time and return False."""
    target = password_hash or Hashing.dummy_hash()

    def check() -> bool:
        try:
            return Hashing.hasher.verify(target, password)
        except (VerificationError, InvalidHashError):
            return False

    ok = await run_in_threadpool(check)
    return ok and password_hash is not None


def needs_rehash(password_hash: str) -> bool:
    return Hashing.hasher.check_needs_rehash(password_hash)


# Words that name this service: as guessable here as "password" is anywhere.
CONTEXT_WORDS = frozenset({"urbanchallenge", "urban challenge"})
COMMON_MESSAGE = (
    "Password is too common and easy to guess. Try three or more random words, "
    "like a short sentence only you would think of"
)
_PADDING = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_SPACES = re.compile(r"\s+")


def normalise(password: str) -> str:
    """The form passwords are compared in: NFKC, case-folded, spaces collapsed and trimmed."""
    folded = unicodedata.normalize("NFKC", password).casefold()
    return _SPACES.sub(" ", folded).strip()


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list (see the header of common_passwords.txt), normalised."""
    text = resources.files(__package__).joinpath("common_passwords.txt").read_text("utf-8")
    _header, _, body = text.partition("\n\n")
    return frozenset(normalise(line) for line in body.splitlines() if line.strip())


def is_common(password: str) -> bool:
    """Whether ``password`` is a common one, allowing for case, spacing and the usual padding.

    "Password", "pass word" and "!!password2024" all count as "password": people
    make a listed password fit a length rule by adding digits or symbols at its ends.
    """
    plain = normalise(password)
    joined = plain.replace(" ", "")
    candidates = {plain, joined, _PADDING.sub("", plain), _PADDING.sub("", joined)}
    listed = common_passwords()
    return any(c and (c in listed or c in CONTEXT_WORDS) for c in candidates)


def password_problem(password: str) -> str | None:
    """Return why a new password is unacceptable, or None.

    Every way of choosing a password (registration on pages and in the API, changing
    it, accepting a panel invitation with a new account, ``create-admin``) asks this.
    """
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    if not password.strip():
        return "Password must not be only spaces"
    if is_common(password):
        return COMMON_MESSAGE
    return None
