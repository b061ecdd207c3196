"""Reuse the challenge tests' shared template environment (see tests/challenges/conftest.py)."""

from tests.challenges.conftest import app

__all__ = ["app"]
