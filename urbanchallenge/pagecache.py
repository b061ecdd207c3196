"""Public pages for visitors who are not signed in, kept for a few seconds.

The challenge list is the page most people see and the same for every visitor who is not
signed in; under a rush (a challenge shared widely) rendering it afresh for each of them is
most of the server's work. :class:`PublicPages` keeps each such page, by its address, for
``PUBLIC_PAGE_CACHE_SECONDS`` (5 by default; 0 turns it off) in each process:

* only for visitors who are not signed in, and only answers 200;
* every change made through this process (any request that is not GET, HEAD or OPTIONS)
  makes everything kept so far stale at once, so this process never shows a page older than
  its own last change; other processes and the clock (a challenge reaching its closing
  time) are caught up with when the seconds run out;
* each answer gets its own CSP nonce: the kept copy holds a marker where the nonce was.

It is deliberately not an HTTP cache in front of the app (see docs/deploy.md): a shared
copy would hand everyone the same nonce.
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

Key = tuple[str, str, str, str]
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class PublicPages:
    """At most ``size`` pages, each usable for ``seconds`` and until the next change."""

    def __init__(
        self, seconds: float, *, size: int = 256, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.seconds = seconds
        self.size = size
        self.clock = clock
        self.generation = 0
        # A marker no template writes, put where the nonce was.
        self.marker = f"uc-nonce-{secrets.token_hex(16)}".encode()
        self._pages: OrderedDict[Key, tuple[bytes, float, int]] = OrderedDict()

    def changed(self) -> None:
        """Something was changed through this process: nothing kept so far is used again."""
        self.generation += 1
        self._pages.clear()

    def get(self, key: Key, nonce: str) -> bytes | None:
        found = self._pages.get(key)
        if found is None:
            return None
        body, kept_at, generation = found
        if generation != self.generation or self.clock() - kept_at >= self.seconds:
            del self._pages[key]
            return None
        self._pages.move_to_end(key)
        return body.replace(self.marker, nonce.encode())

    def put(self, key: Key, body: bytes, nonce: str, *, generation: int, began: float) -> None:
        """Keep ``body``, rendered for the request that began at ``began`` when the
        generation was ``generation`` (a change since then means it may be out of date)."""
        if generation != self.generation:
            return
        self._pages[key] = (body.replace(nonce.encode(), self.marker), began, generation)
        self._pages.move_to_end(key)
        while len(self._pages) > self.size:
            self._pages.popitem(last=False)


async def public_page(request: Request, build: Callable[[], Awaitable[Response]]) -> Response:
    """The page ``build`` makes, kept for a few seconds for visitors who are not signed in."""
    pages: PublicPages | None = getattr(request.app.state, "public_pages", None)
    user = request.scope.get("user")
    nonce = request.scope.get("state", {}).get("csp_nonce", "")
    if pages is None or getattr(user, "is_authenticated", False) or not nonce:
        return await build()
    url = request.url
    key: Key = (url.scheme, url.netloc, url.path, url.query)
    body = pages.get(key, nonce)
    if body is not None:
        return HTMLResponse(body)
    generation, began = pages.generation, pages.clock()
    response = await build()
    if response.status_code == 200 and isinstance(response, HTMLResponse):
        pages.put(key, bytes(response.body), nonce, generation=generation, began=began)
    return response


class PublicPagesInvalidation:
    """Tells the app's :class:`PublicPages` when a request may have changed something."""

    def __init__(self, app: ASGIApp, *, pages: PublicPages | None) -> None:
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
