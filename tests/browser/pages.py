"""People using the service in a browser, and the checks made on every page they see.

A ``Journey`` is one run of the story: several people (an officer, start-ups, a
panel member), each in their own browser context. Each time someone arrives on a
page, ``Visitor.see`` checks it as they see it:

- it is the page they expected (its main heading) with the expected HTTP status;
- nothing was written to the browser console as an error, no script failed, and
  the Content Security Policy blocked nothing (the policy stays in force: the
  contexts never bypass it);
- axe-core finds no violation of the WCAG 2.2 AA rules (pages with JavaScript);
- a screenshot goes to ``test-artifacts/screenshots/<run>/<leg>/<journey>/``.

axe-core is evaluated through the DevTools protocol (``page.evaluate``), not added
as a ``<script>`` element: the app's CSP rightly refuses inline scripts, and
evaluating from DevTools needs no ``bypass_csp``, so the page axe reads is the very
page the CSP check watched. Without JavaScript nothing can be evaluated in the
page, so those journeys check the rest; axe reads the same pages in the
JavaScript journey.

Keyboard-only visitors reach every control with Tab and Shift+Tab and use it with
Enter, Space and the arrow keys, as someone who cannot use a mouse does.
"""

from __future__ import annotations

import asyncio
import base64
import os
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest
from playwright.async_api import (
    Browser,
    BrowserContext,
    CDPSession,
    ConsoleMessage,
    Error,
    Locator,
    Page,
    Response,
    expect,
)

from tests.test_live_server import CLI

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
RUN_STARTED = datetime.now().strftime("%Y%m%d-%H%M%S")
SERVER_ERROR = re.compile(r'" 5\d\d\b|Traceback \(most recent call last\)')
AXE_SCRIPT = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
VIEWPORT = {"width": 1000, "height": 800}
# (journey, step) pairs axe-core has read in this run, and gallery pictures taken.
AXE_READ: set[tuple[str, str]] = set()
PICTURED: set[str] = set()
GALLERY = PROJECT_ROOT / "docs" / "screenshots"

# Runs before any of the page's own scripts, so every CSP violation is recorded.
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} refused ${event.blockedURI || 'inline code'}` +
    ` (${event.sourceFile || event.documentURI}:${event.lineNumber})`
  );
});
"""

RUN_AXE = """
async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact || 'unknown',
    help: v.help,
    targets: v.nodes.map((n) => n.target.join(' ')),
  }));
}
"""


def screenshots_root() -> Path:
    """Where this run's screenshots go: test-artifacts/screenshots/<run start>/."""
    return ARTIFACTS / RUN_STARTED


async def run_cli(env: dict[str, str], *args: str) -> tuple[int, str]:
    """``urbanchallenge <args>`` with the server's environment: its exit code and output."""
    process = await asyncio.create_subprocess_exec(
        *CLI,
        *args,
        env=env,
        cwd=PROJECT_ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    return process.returncode or 0, output.decode()


@dataclass
class Site:
    """A running server: its address, its dialect, where it logs and its environment (for
    the commands the service team runs)."""

    url: str
    dialect: str
    log: Path
    env: dict[str, str] = field(default_factory=dict)

    async def command(self, *args: str) -> str:
        code, output = await run_cli(self.env, *args)
        assert code == 0, output
        return output

    def errors_logged(self) -> list[str]:
        return [line for line in self.log.read_text().splitlines() if SERVER_ERROR.search(line)]


def axe_source() -> str:
    if not AXE_SCRIPT.is_file():
        pytest.fail(
            f"{AXE_SCRIPT.relative_to(PROJECT_ROOT)} is missing: run `npm ci` "
            "(`make install-test` does it)",
            pytrace=False,
        )
    return AXE_SCRIPT.read_text()


def updating_gallery() -> bool:
    return os.environ.get("UPDATE_GALLERY", "") not in {"", "0", "false", "no"}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


@dataclass(frozen=True)
class Problem:
    """Something wrong with a page: what kind, which rule, where, and the evidence."""

    kind: str
    rule: str
    journey: str
    visitor: str
    step: str
    url: str
    detail: str

    def __str__(self) -> str:
        return (
            f"[{self.kind}] {self.rule} in the {self.journey} journey, on the "
            f"{self.visitor}'s {self.step!r} ({self.url}): {self.detail}"
        )


@dataclass(frozen=True)
class KnownBug:
    """A problem the app is known to have, named so the test can say so (as an xfail).

    It matches problems of its ``kind`` and ``rule`` in the named ``journey`` on steps
    whose name contains ``page``. A known bug that no longer shows up fails the test,
    so the marker is removed as soon as the app is fixed.
    """

    kind: str
    rule: str
    journey: str
    page: str
    reason: str

    def matches(self, problem: Problem) -> bool:
        return (problem.kind, problem.rule, problem.journey) == (
            self.kind,
            self.rule,
            self.journey,
        ) and self.page in problem.step


@dataclass
class Journey:
    """One run of the story: the people in it, the steps they saw, what was wrong."""

    browser: Browser
    site: Site
    name: str
    javascript: bool
    problems: list[Problem] = field(default_factory=list)
    visitors: list[Visitor] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    axe_pages: list[str] = field(default_factory=list)
    _axe: str | None = None

    @property
    def folder(self) -> Path:
        return screenshots_root() / self.site.dialect / self.name

    def axe(self) -> str:
        if self._axe is None:
            self._axe = axe_source()
        return self._axe

    async def visitor(self, name: str, *, keyboard_only: bool = False) -> Visitor:
        context = await self.browser.new_context(
            base_url=self.site.url,
            java_script_enabled=self.javascript,
            viewport=VIEWPORT,  # type: ignore[arg-type]
            locale="en-GB",
            timezone_id="Europe/London",
        )
        await context.add_init_script(CSP_RECORDER)
        page = await context.new_page()
        page.set_default_timeout(15_000)
        visitor = Visitor(self, name, context, page, keyboard_only=keyboard_only)
        self.visitors.append(visitor)
        return visitor

    async def close(self) -> None:
        for visitor in self.visitors:
            visitor.flush()
            await visitor.context.close()

    def note_problems(self, failure: BaseException) -> None:
        """A journey that stopped early still reports what its pages showed until then."""
        for visitor in self.visitors:
            visitor.flush()
        if self.problems:
            failure.add_note("Problems seen before it stopped:")
            for problem in dict.fromkeys(self.problems):
                failure.add_note(f"  {problem}")

    def checked(self, bug: KnownBug) -> bool:
        """Whether this journey looked for ``bug`` (axe reads each page once per run)."""
        pages = self.axe_pages if bug.kind == "accessibility" else self.pages
        return bug.journey == self.name and any(bug.page in page for page in pages)


def verdict(site: Site, journeys: Sequence[Journey], known: Sequence[KnownBug] = ()) -> None:
    """Fail on unknown problems and on known bugs that have gone; xfail on known ones.

    The server's log is read too: a 5xx answer or a traceback fails the test even
    when the page a person saw looked fine.
    """
    problems = [problem for journey in journeys for problem in journey.problems]
    unknown = [p for p in problems if not any(bug.matches(p) for bug in known)]
    seen = [bug for bug in known if any(bug.matches(p) for p in problems)]
    gone = [bug for bug in known if bug not in seen and any(j.checked(bug) for j in journeys)]
    messages = [str(p) for p in dict.fromkeys(unknown)]
    messages += [f"[fixed?] no longer seen, remove its KnownBug: {bug.reason}" for bug in gone]
    messages += [f"[server log] {line}" for line in site.errors_logged()]
    if messages:
        pytest.fail(f"{len(messages)} problems:\n" + "\n".join(messages), pytrace=False)
    if seen:
        reasons = dict.fromkeys(bug.reason for bug in seen)
        pytest.xfail("known bugs in the app: " + "; ".join(reasons))


class Visitor:
    """One person in their own browser context, doing what a person does on the pages."""

    def __init__(
        self,
        journey: Journey,
        name: str,
        context: BrowserContext,
        page: Page,
        *,
        keyboard_only: bool,
    ) -> None:
        self.journey = journey
        self.name = name
        self.context = context
        self.page = page
        self.keyboard_only = keyboard_only
        self.console: list[ConsoleMessage] = []
        self.errors: list[Error] = []
        self.document: tuple[str, int] | None = None
        self.devtools: CDPSession | None = None
        self.current_step = "before the first page"
        self.loads = 0  # pages loaded in this tab, and how many of them ``see`` has looked at
        self.looked_at = 0
        self.loaded = asyncio.Event()
        page.on("load", self._on_load)
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)
        page.on("response", self._on_response)

    # ---------------------------------------------------------------- listeners

    def _on_load(self, page: Page) -> None:
        self.loads += 1
        self.loaded.set()

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            self.console.append(message)

    def _on_page_error(self, error: Error) -> None:
        self.errors.append(error)

    def _on_response(self, response: Response) -> None:
        if response.request.is_navigation_request() and response.frame == self.page.main_frame:
            self.document = (response.url, response.status)

    def problem(self, kind: str, rule: str, detail: str) -> None:
        self.journey.problems.append(
            Problem(
                kind, rule, self.journey.name, self.name, self.current_step, self.page.url, detail
            )
        )

    def flush(self) -> None:
        """Turn what the browser reported so far into problems (a 4xx page's own status aside)."""
        expected = None
        if self.document is not None and self.document[1] >= 400:
            expected = (
                self.document[0],
                f"Failed to load resource: the server responded with a status of "
                f"{self.document[1]}",
            )
        for message in self.console:
            if (
                expected
                and message.location.get("url") == expected[0]
                and message.text.startswith(expected[1])
            ):
                continue  # the browser notes a 4xx document: the page under test is one
            if "Content Security Policy" in message.text:
                self.problem("CSP violation", "console", message.text)
            else:
                self.problem("console error", "console", message.text)
        self.console.clear()
        for error in self.errors:
            self.problem("uncaught error", error.name or "Error", error.message)
        self.errors.clear()

    # ---------------------------------------------------------------- pages

    async def go(self, path: str) -> None:
        """Type an address into the address bar."""
        await self.page.goto(path)

    async def see(
        self,
        step: str,
        heading: str | re.Pattern[str],
        *,
        status: int = 200,
    ) -> None:
        """Arrive on a page: check it is the one expected, then check it as described above.

        ``step`` names the page in its state; axe reads each distinct step once per run
        (the markup does not depend on the database leg), the other checks run every time.
        """
        self.current_step = step
        self.journey.pages.append(step)
        await self.arrival(step)
        named = self.page.get_by_role("heading", level=1, name=heading, exact=True)
        await expect(named.first).to_be_visible()
        assert self.document is not None, f"{step}: no page was loaded"
        assert self.document[1] == status, (
            f"{self.name} expected HTTP {status} on {step}, got {self.document[1]} "
            f"at {self.document[0]}"
        )
        self.flush()
        if self.journey.javascript:
            for violation in await self.page.evaluate("() => window.__cspViolations.splice(0)"):
                self.problem("CSP violation", "securitypolicyviolation", violation)
            if (self.journey.name, step) not in AXE_READ:
                AXE_READ.add((self.journey.name, step))
                self.journey.axe_pages.append(step)
                await self.check_accessibility()
        await self.screenshot(step)

    async def arrival(self, step: str, *, look: bool = True) -> None:
        """Wait for the next page to have loaded (what was clicked may still be loading)."""
        if self.loads == self.looked_at:
            self.loaded.clear()
            try:
                async with asyncio.timeout(15):
                    await self.loaded.wait()
            except TimeoutError:
                raise AssertionError(f"{self.name} never got to {step!r}: no page loaded") from None
        if look:
            self.looked_at = self.loads

    async def check_accessibility(self) -> None:
        if not await self.page.evaluate("() => typeof window.axe === 'object'"):
            await self.page.evaluate(self.journey.axe())
        for violation in await self.page.evaluate(RUN_AXE, WCAG_22_AA):
            self.problem(
                "accessibility",
                violation["id"],
                f"{violation['impact']}: {violation['help']}; at "
                + " | ".join(violation["targets"]),
            )

    async def screenshot(self, step: str) -> None:
        """The whole page as a PNG, encoded for speed (these are not committed)."""
        if self.devtools is None:
            self.devtools = await self.context.new_cdp_session(self.page)
        size = (await self.devtools.send("Page.getLayoutMetrics"))["cssContentSize"]
        shot = await self.devtools.send(
            "Page.captureScreenshot",
            {
                "format": "png",
                "optimizeForSpeed": True,
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"]}
                | {"scale": 1},
            },
        )
        name = f"{len(self.journey.pages):02d}-{slug(self.name)}-{slug(step)}.png"
        self.journey.folder.mkdir(parents=True, exist_ok=True)
        (self.journey.folder / name).write_bytes(base64.b64decode(shot["data"]))

    async def picture(self, name: str, *, top: Locator | None = None) -> None:
        """With UPDATE_GALLERY=1, save this view for the README: docs/screenshots/<name>.png.

        A 1000 by 900 pixel picture from the top of the page, or from ``top`` down. Taken
        once per run, from the journey with JavaScript (as most people see the pages).
        """
        if not updating_gallery() or not self.journey.javascript or name in PICTURED:
            return
        PICTURED.add(name)
        y = 0.0
        if top is not None:
            where = "e => e.getBoundingClientRect().top + window.scrollY"
            y = max(await top.evaluate(where) - 30, 0)
        height = await self.page.evaluate("() => document.documentElement.scrollHeight")
        GALLERY.mkdir(parents=True, exist_ok=True)
        await self.page.screenshot(
            path=GALLERY / f"{name}.png",
            full_page=True,
            animations="disabled",
            clip={"x": 0, "y": y, "width": VIEWPORT["width"], "height": min(height - y, 900)},
        )

    async def expect_focus_on(self, label: str, field_id: str) -> None:
        """After following an error summary's link: at the field (focused, where scripts run)."""
        if self.journey.javascript:
            await expect(self.page.get_by_label(label, exact=True)).to_be_focused()
        else:
            await expect(self.page).to_have_url(re.compile(f"#{re.escape(field_id)}$"))

    async def poll(
        self,
        ready: Callable[[], Awaitable[bool]],
        *,
        what: str,
        attempts: int = 40,
    ) -> None:
        """Reload (as a person would) until ``ready()`` is true, a bounded number of times.

        Matching runs in the background, so a page may show "being updated" at first.
        The page that was asked for loads first; ``see`` then checks the final state.
        """
        await self.arrival(what, look=False)
        for _ in range(attempts):
            if await ready():
                return
            await self.page.wait_for_timeout(500)
            await self.page.reload()
        raise AssertionError(f"{self.name} waited in vain for {what}")

    # ---------------------------------------------------------------- doing things

    async def focus(self, target: Locator, *, backwards: bool = False, limit: int = 150) -> None:
        """Move the keyboard focus to ``target`` with Tab (or Shift+Tab), as far as needed."""
        focused = target.and_(self.page.locator(":focus"))
        keys = ["Shift+Tab", "Tab"] if backwards else ["Tab", "Shift+Tab"]
        for key in keys:
            for _ in range(limit):
                if await focused.count():
                    return
                await self.page.keyboard.press(key)
        raise AssertionError(f"{self.name} could not reach {target} with the keyboard")

    async def follow(self, target: Locator) -> None:
        """Follow a link or press a button."""
        if self.keyboard_only:
            await self.focus(target)
            await self.page.keyboard.press("Enter")
        else:
            await target.click()

    async def link(self, name: str | re.Pattern[str], *, exact: bool = True) -> None:
        await self.follow(self.page.get_by_role("link", name=name, exact=exact).first)

    async def button(self, name: str | re.Pattern[str], *, exact: bool = True) -> None:
        await self.follow(self.page.get_by_role("button", name=name, exact=exact))

    async def fill(self, label: str | Locator, text: str, *, within: Locator | None = None) -> None:
        """Type into the text box ``label`` names, replacing what it held."""
        if isinstance(label, str):
            field_ = (within or self.page).get_by_label(label, exact=True)
        else:
            field_ = label
        if self.keyboard_only:
            await self.focus(field_)
            await self.page.keyboard.press("ControlOrMeta+a")
            await self.page.keyboard.press("Delete")
            if len(text) > 40:
                # Long answers arrive as one insertion, as when pasted: key by key is slow.
                await self.page.keyboard.insert_text(text)
            else:
                await self.page.keyboard.type(text)
        else:
            await field_.fill(text)
        await expect(field_).to_have_value(text)

    async def fill_all(self, fields: Iterable[tuple[str, str]]) -> None:
        for label, text in fields:
            await self.fill(label, text)

    async def choose(self, group: str, option: str, *, within: Locator | None = None) -> None:
        """Choose ``option`` among the radios of the fieldset whose legend is ``group``."""
        fieldset = (within or self.page).get_by_role("group", name=group, exact=True)
        target = fieldset.get_by_role("radio", name=option, exact=True)
        if self.keyboard_only:
            # A radio group is one Tab stop; the arrow keys move between its options.
            radios = fieldset.get_by_role("radio")
            await self.focus(radios.first)
            count = await radios.count()
            for _ in range(count):
                if await target.and_(self.page.locator(":focus")).count():
                    break
                await self.page.keyboard.press("ArrowDown")
            await self.page.keyboard.press("Space")
        else:
            await target.check()
        await expect(target).to_be_checked()

    async def tick(self, label: str) -> None:
        box = self.page.get_by_role("checkbox", name=label, exact=True)
        if self.keyboard_only:
            await self.focus(box)
            await self.page.keyboard.press("Space")
        else:
            await box.check()
        await expect(box).to_be_checked()

    async def select(self, label: str, option: str) -> None:
        box = self.page.get_by_label(label, exact=True)
        if self.keyboard_only:
            await self.focus(box)
            for _ in range(40):
                if await box.locator("option:checked").inner_text() == option:
                    break
                await self.page.keyboard.press("ArrowDown")
        else:
            await box.select_option(label=option)
        await expect(box.locator("option:checked")).to_have_text(option)
