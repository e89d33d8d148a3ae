"""A real headless Chromium for the HTML report tests, driven by Playwright (no browser download).

The browser is the system's Chromium (Debian's ``chromium``; ``.ci/run`` installs it when absent),
or the one named by ``$INTERFACESTAB_CHROMIUM``. Every page is opened from a ``file://`` URL with
the network blocked: any request that is not a ``file:`` URL is aborted and recorded, so a test can
assert that none was attempted. Console errors and uncaught page errors are recorded as well.

:func:`browser_skip_reason` says why the tests cannot run (no browser, no Playwright): the only
reason they may skip.
"""

from __future__ import annotations

import html
import io
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator

#: Where a system Chromium may be (first found wins; $INTERFACESTAB_CHROMIUM before all).
CANDIDATES = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/bin/google-chrome",
    "/usr/bin/google-chrome-stable",
)
#: Flags of every launch: headless, no sandbox (containers run as root), nothing phoning home.
LAUNCH_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
#: How long a page may take to unpack plotly.js and draw its figures (ms; two shared cores).
DRAW_TIMEOUT_MS = 60_000


def find_chromium() -> str | None:
    """The Chromium executable to use, or None."""
    named = os.environ.get("INTERFACESTAB_CHROMIUM")
    if named:
        return named if Path(named).is_file() else None
    for path in CANDIDATES:
        if Path(path).is_file():
            return path
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def browser_skip_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if find_chromium() is None:
        return (
            "no Chromium found (/usr/bin/chromium or $INTERFACESTAB_CHROMIUM): install Debian's chromium "
            "(apt-get install chromium; .ci/run does) to run the HTML browser tests"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[dev]')"
    return None


@dataclass
class PageLog:
    """What a page did: requests (all URLs), blocked requests, console errors, page errors."""

    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


@dataclass
class Browser:
    """An open browser context; :meth:`open` loads a page file and waits for its figures."""

    context: Any
    #: Every request the guard aborted (anything but a file: URL), over the whole session.
    blocked: list[str] = field(default_factory=list)

    def open(self, path: Path, *, figures: bool = True) -> tuple[Any, PageLog]:
        """Open ``path`` as a ``file://`` URL; with ``figures``, wait until every figure is drawn."""
        log = PageLog()
        page = self.context.new_page()
        page.on("request", lambda request: log.requests.append(request.url))
        page.on("console", lambda message: log.console_errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: log.page_errors.append(str(error)))
        page.goto(path.resolve().as_uri(), wait_until="load")
        if figures:
            page.wait_for_function("document.body.dataset.figures !== undefined", timeout=DRAW_TIMEOUT_MS)
            state = page.evaluate("document.body.dataset.figures")
            assert state == "drawn", f"figures not drawn ({state}): {log.console_errors + log.page_errors}"
        return page, log


@contextmanager
def chromium(user_data_dir: Path) -> Iterator[Browser]:
    """A headless Chromium with an empty profile in ``user_data_dir`` and every non-file request aborted."""
    from playwright.sync_api import sync_playwright

    executable = find_chromium()
    assert executable is not None, browser_skip_reason()
    user_data_dir.mkdir(parents=True, exist_ok=True)
    assert not any(user_data_dir.iterdir()), "the profile folder must start empty"
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(user_data_dir),
            executable_path=executable,
            headless=True,
            args=list(LAUNCH_ARGS),
            viewport={"width": 1280, "height": 900},
            service_workers="block",
        )
        browser = Browser(context)

        def guard(route: Any) -> None:
            url = route.request.url
            if url.startswith("file:"):
                route.continue_()
            else:
                browser.blocked.append(url)
                route.abort()

        context.route("**/*", guard)
        try:
            yield browser
        finally:
            context.close()


def point_position(page: Any, figure_id: str, trace: int, index: int) -> tuple[float, float]:
    """Page coordinates (CSS px) of point ``index`` of trace ``trace`` of a plotly figure (scatter or bar)."""
    return tuple(
        page.evaluate(
            """([id, t, i]) => {
                const gd = document.getElementById(id);
                const full = gd._fullData[t];
                const xa = gd._fullLayout[full.xaxis.replace("x", "xaxis")];
                const ya = gd._fullLayout[full.yaxis.replace("y", "yaxis")];
                const cd = gd.calcdata[t][i];
                let x, y;
                if (full.type === "bar" && full.orientation === "h") {
                    x = xa.c2p(cd.b + cd.s / 2); y = ya.c2p(cd.p);
                } else if (full.type === "bar") {
                    x = xa.c2p(cd.p); y = ya.c2p(cd.b + cd.s / 2);
                } else {
                    x = xa.c2p(cd.x); y = ya.c2p(cd.y);
                }
                const box = gd.getBoundingClientRect();
                return [box.left + xa._offset + x + window.scrollX, box.top + ya._offset + y + window.scrollY];
            }""",
            [figure_id, trace, index],
        )
    )


def hover_text(page: Any, figure_id: str, trace: int, index: int) -> str:
    """Move the mouse onto a point of a figure and return the text of the hover label it shows."""
    page.locator(f"#{figure_id}").scroll_into_view_if_needed()
    x, y = point_position(page, figure_id, trace, index)
    scroll = page.evaluate("[window.scrollX, window.scrollY]")
    page.mouse.move(x - scroll[0] - 40, y - scroll[1] - 40)
    page.mouse.move(x - scroll[0], y - scroll[1], steps=4)
    label = page.locator(f"#{figure_id} .hoverlayer .hovertext")
    label.first.wait_for(state="visible", timeout=10_000)
    return " ".join(label.all_text_contents())


def shown_text(plotly_text: str) -> str:
    """What a hover label shows for a plotly text: line breaks gone (lines are separate SVG spans), entities read."""
    return html.unescape(plotly_text.replace("<br>", ""))


def pixel_spread(png: bytes) -> tuple[float, int]:
    """Standard deviation of the grey levels and the number of distinct colours of a PNG screenshot."""
    from PIL import Image, ImageStat

    image = Image.open(io.BytesIO(png)).convert("RGB")
    spread = ImageStat.Stat(image.convert("L")).stddev[0]
    colours = image.getcolors(maxcolors=1 << 20)
    return spread, len(colours) if colours is not None else 1 << 20
