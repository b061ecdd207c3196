"""This area's endpoints in the JSON API (mounted under /api/v1 by api/routes.py)."""

from urbanchallenge.api import ApiRoutes

api = ApiRoutes("Proposals")
