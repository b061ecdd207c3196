"""The pages of this area, mounted by app.py at /proposals."""

from starlette.routing import BaseRoute, Route

from urbanchallenge.proposals import views

FORM = ["GET", "POST"]

routes: list[BaseRoute] = [
    Route("/", views.index, name="index"),
    Route("/new", views.new, methods=FORM, name="new"),
    Route("/{id:int}", views.detail, name="detail"),
    Route("/{id:int}/edit", views.edit, methods=FORM, name="edit"),
    Route("/{id:int}/check", views.check, methods=FORM, name="check"),
    Route("/{id:int}/submitted", views.submitted, name="submitted"),
    Route("/{id:int}/withdraw", views.withdraw, methods=FORM, name="withdraw"),
    Route("/{id:int}/reopen", views.reopen, methods=["POST"], name="reopen"),
]
