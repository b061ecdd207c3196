"""The pages of this area, mounted by app.py."""

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
