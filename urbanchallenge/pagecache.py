"""Pages kept for a few seconds, so that a rush of the same page is not rendered afresh for
each person in it.

Two kinds of page may be kept, each by opting in at its view (:func:`kept_page`):

* the public challenge list, the page most people see: the same for every visitor who is not
  signed in, kept by its address and shared between them (signed-in people get it fresh);
* a page for one signed-in person (an officer's ranked list of proposals): kept by its
  address *and the session*, so no one else is ever answered with it, and only after the
  guards in front of the view have let that session in on this request.

:class:`KeptPages` keeps them for ``PAGE_CACHE_SECONDS`` (5 by default; 0 turns it off) in
each process:

* only answers 200;
* one render of a page per process at a time: when its seconds run out, the next request
  renders it afresh and those that arrive meanwhile get the copy that ran out (never one
  older than twice the seconds); after a change, they wait for the new one instead;
* every change made through this process (any request that is not GET, HEAD or OPTIONS, and
  each run of the background matching worker) makes everything kept so far stale at once, so
  this process never shows a page older than its own last change; other processes and the
  clock (a challenge reaching its closing time) are caught up with when the seconds run out;
* each answer gets its own CSP nonce, and its own session's CSRF token: the kept copy holds
  markers where they were.

It is deliberately not an HTTP cache in front of the app (see docs/deploy.md): a shared copy
would hand everyone the same nonce, and signed-in pages are ``Cache-Control: no-store``.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from urbanchallenge.middleware import SAFE_METHODS

# scheme, host, path, query, and whose page it is ("" for visitors not signed in)
Key = tuple[str, str, str, str, str]


class KeptPages:
    """At most ``size`` pages, each usable for ``seconds`` and until the next change."""

    def __init__(
        self, seconds: float, *, size: int = 256, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.seconds = seconds
        self.size = size
        self.clock = clock
        self.generation = 0
        # Markers no template writes, put where the nonce and the CSRF token were.
        mark = secrets.token_hex(16)
        self.nonce_marker = f"uc-nonce-{mark}".encode()
        self.csrf_marker = f"uc-csrf-{mark}".encode()
        self._pages: OrderedDict[Key, tuple[bytes, float, int]] = OrderedDict()
        # Pages being rendered now: others asking for one do not render it too (when a kept
        # page runs out under a rush, everyone in the rush would otherwise render it at once).
        self.rendering: dict[Key, asyncio.Event] = {}

    def changed(self) -> None:
        """Something was changed through this process: nothing kept so far is used again."""
        self.generation += 1
        self._pages.clear()

    def _markers(self, nonce: str, csrf: str) -> Mapping[bytes, bytes]:
        # An empty value is never replaced: b"".replace would put a marker between every byte.
        values = {self.nonce_marker: nonce.encode(), self.csrf_marker: csrf.encode()}
        return {marker: value for marker, value in values.items() if value}

    def get(self, key: Key, nonce: str, csrf: str = "", *, ran_out: bool = False) -> bytes | None:
        """The kept page for ``key`` with this answer's nonce and CSRF token, or None.

        With ``ran_out``, a page whose seconds have run out (by no more than as many again)
        is given too: for requests that arrive while it is being rendered afresh. A page
        kept before a change is never given.
        """
        found = self._pages.get(key)
        if found is None:
            return None
        body, kept_at, generation = found
        if generation != self.generation:
            del self._pages[key]
            return None
        age = self.clock() - kept_at
        if age >= (2 * self.seconds if ran_out else self.seconds):
            return None  # left in place, for ran_out requests while it is rendered again
        self._pages.move_to_end(key)
        for marker, value in self._markers(nonce, csrf).items():
            body = body.replace(marker, value)
        return body

    def put(
        self,
        key: Key,
        body: bytes,
        nonce: str,
        csrf: str = "",
        *,
        generation: int,
        began: float,
    ) -> None:
        """Keep ``body``, rendered for the request that began at ``began`` when the
        generation was ``generation`` (a change since then means it may be out of date)."""
        if generation != self.generation:
            return
        for marker, value in self._markers(nonce, csrf).items():
            body = body.replace(value, marker)
        self._pages[key] = (body, began, generation)
        self._pages.move_to_end(key)
        while len(self._pages) > self.size:
            self._pages.popitem(last=False)


def _whose(request: Request) -> str | None:
    """Whose page this is: "" for a visitor who is not signed in, a digest of the session
    for someone signed in, None if it cannot be told (then nothing is kept)."""
    user = request.scope.get("user")
    if not getattr(user, "is_authenticated", False):
        return ""
    token = request.scope.get("session_token")
    if not token:
        return None
    return hashlib.sha256(f"{user.id}:{token}".encode()).hexdigest()  # type: ignore[union-attr]


async def kept_page(
    request: Request, build: Callable[[], Awaitable[Response]], *, signed_in: bool = False
) -> Response:
    """The page ``build`` makes, kept a few seconds: for visitors who are not signed in, and,
    with ``signed_in``, for each signed-in session apart (the view's guards must already
    have let the session in: a kept page is answered without calling ``build``)."""
    pages: KeptPages | None = getattr(request.app.state, "kept_pages", None)
    whose = _whose(request)
    nonce = request.scope.get("state", {}).get("csp_nonce", "")
    if pages is None or whose is None or (whose and not signed_in) or not nonce:
        return await build()
    token_getter = request.scope.get("csrftoken")
    csrf = token_getter() if whose and callable(token_getter) else ""
    url = request.url
    key: Key = (url.scheme, url.netloc, url.path, url.query, whose)
    body = pages.get(key, nonce, csrf)
    if body is None and (underway := pages.rendering.get(key)) is not None:
        # Someone is rendering it afresh: the copy that has just run out does meanwhile
        # (unless something changed since it was kept); otherwise wait for the new one.
        body = pages.get(key, nonce, csrf, ran_out=True)
        if body is None:
            await underway.wait()
            body = pages.get(key, nonce, csrf)
    if body is not None:
        return HTMLResponse(body)
    generation, began = pages.generation, pages.clock()
    done = pages.rendering.setdefault(key, asyncio.Event())
    try:
        response = await build()
        if response.status_code == 200 and isinstance(response, HTMLResponse):
            pages.put(key, bytes(response.body), nonce, csrf, generation=generation, began=began)
    finally:
        if pages.rendering.get(key) is done:
            del pages.rendering[key]
        done.set()
    return response


class KeptPagesInvalidation:
    """Tells the app's :class:`KeptPages` when a request may have changed something."""

    def __init__(self, app: ASGIApp, *, pages: KeptPages | None) -> None:
        self.app = app
        self.pages = pages

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.pages is None or scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.pages.changed()
