"""Errors services raise; views and the API turn each into the right answer.

- ``ValidationFailed`` (in ``validation``): bad input, field by field -> the form again
  with the error summary, or 422 with ``errors`` in the API.
- ``NotFound``: missing, or belongs to another organisation (we never confirm that
  another organisation's object exists) -> 404.
- ``PermissionDenied``: the role or relationship does not allow it -> 403.
- ``Conflict``: not possible in the object's current state (an illegal lifecycle
  move, a second proposal to one challenge, editing after closing) -> 409.
"""

from __future__ import annotations


class DomainError(Exception):
    status_code = 400

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(DomainError):
    status_code = 404

    def __init__(self, detail: str = "Not found") -> None:
        super().__init__(detail)


class PermissionDenied(DomainError):
    status_code = 403

    def __init__(self, detail: str = "You do not have permission to do that") -> None:
        super().__init__(detail)


class Conflict(DomainError):
    status_code = 409
