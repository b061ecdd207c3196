"""The pages of this area, mounted by app.py at /challenges."""

from starlette.routing import BaseRoute, Route

from urbanchallenge.challenges import views

FORM = ["GET", "POST"]

routes: list[BaseRoute] = [
    Route("/", views.index, name="index"),
    Route("/yours", views.yours, name="yours"),
    Route("/new", views.new, methods=FORM, name="new"),
    Route("/{id:int}", views.detail, name="detail"),
    Route("/{id:int}/edit", views.edit, methods=FORM, name="edit"),
    Route("/{id:int}/publish", views.publish, methods=FORM, name="publish"),
    Route("/{id:int}/close", views.close, methods=FORM, name="close"),
    Route(
        "/{id:int}/start-shortlisting",
        views.start_shortlisting,
        methods=FORM,
        name="start_shortlisting",
    ),
    Route("/{id:int}/withdraw", views.withdraw, methods=FORM, name="withdraw"),
    Route("/{id:int}/clarifications/new", views.clarify, methods=FORM, name="clarify"),
]
