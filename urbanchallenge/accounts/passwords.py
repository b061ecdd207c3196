"""Password hashing with argon2id (RFC 9106 parameters), off the event loop."""

from __future__ import annotations

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


def password_problem(password: str) -> str | None:
    """Return why a new password is unacceptable, or None."""
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    if len(password) > MAX_LENGTH:
        return f"Password must be {MAX_LENGTH} characters or fewer"
    if not password.strip():
        return "Password must not be only spaces"
    return None
