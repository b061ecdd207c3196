"""Match pages, mounted at /matches."""

from starlette.routing import BaseRoute, Route

from urbanchallenge.ranking import views

routes: list[BaseRoute] = [
    Route("/challenges/{id:int}", views.ranked, name="challenge"),
    Route("/for-you", views.for_you, name="for_you"),
]
