"""Open self-contained HTML files in Debian's headless Chromium (driven by Playwright), and check what a reader sees.

:func:`open_page` routes every request: files load, anything else is refused and reported as an error, so a
test that finds no errors also shows that no request left the machine. :data:`LAYOUT_CHECKS` finds type under
14 px, text outside its chart's box and titles or labels that overlap; :func:`chart_pages` prints the page to
PDF and says on which page each chart starts and ends.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip
SIZES = ((1366, 768), (1920, 1080))

#: Per chart: text smaller than 14 px, text outside the chart's box, and titles, tick labels, legend entries,
#: annotations or slider labels that overlap one another (hover labels left out).
LAYOUT_CHECKS = """() => {
  const found = {small: [], outside: [], overlaps: []};
  const shown = el => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'
      && Number(s.opacity) !== 0 && el.textContent.trim() !== ''; };
  document.querySelectorAll('.js-plotly-plot').forEach(div => {
    const box = div.getBoundingClientRect();
    const texts = Array.from(div.querySelectorAll('svg text')).filter(t => !t.closest('.hoverlayer') && shown(t));
    texts.forEach(t => {
      const size = parseFloat(getComputedStyle(t).fontSize), r = t.getBoundingClientRect();
      if (size < 13.99) found.small.push([div.id, t.textContent.slice(0, 40), size]);
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
        found.outside.push([div.id, t.textContent.slice(0, 40)]);
    });
    const named = texts.filter(t => t.closest('.g-xtitle, .g-ytitle, .gtitle, .annotation, .legendtext, ' +
                                              '.slider-group, .xtick, .ytick, .colorbar, .cbtitle'));
    for (let i = 0; i < named.length; i++) for (let j = i + 1; j < named.length; j++) {
      const a = named[i].getBoundingClientRect(), b = named[j].getBoundingClientRect();
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 2 && h > 2) {
        found.overlaps.push([div.id, named[i].textContent.slice(0, 30), named[j].textContent.slice(0, 30)]);
      }
    }
  });
  return found;
}"""
#: Every chart drawn: an SVG with at least one trace (or heatmap, or parallel axes) in each of ``count`` plots.
DRAWN = """count => {
  const plots = document.querySelectorAll('.js-plotly-plot');
  return plots.length === count && Array.from(plots).every(div =>
    div.querySelector('.main-svg g.trace, .main-svg g.hm, .main-svg .parcoords-control-view'));
}"""
#: Invisible links at the top and bottom of every chart, so the printed PDF says which page each edge is on.
_EDGES = """() => document.querySelectorAll('figure.chart').forEach((figure, i) => {
  figure.style.position = 'relative';
  for (const [edge, css] of [['top', 'top:0'], ['bottom', 'bottom:0']]) {
    const a = document.createElement('a');
    a.href = `https://edges.invalid/${i}/${edge}`; a.textContent = '.';
    a.style.cssText = `position:absolute;left:0;${css};font-size:4px;color:transparent`;
    figure.appendChild(a);
  }
})"""


def require_chromium() -> None:
    """Skip without Chromium on a developer's machine; fail in CI, where `make test` installs it."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; `make test` installs it with apt-get")
        pytest.skip("chromium is not installed (apt-get install chromium)")


@contextmanager
def open_page(path: Path, *, width: int = 1366, height: int = 900):
    """Yield ``(page, errors)`` for ``path`` opened offline.

    ``errors`` collects console errors, page errors, failed requests and every request for anything but a
    local file (refused before it leaves the machine).
    """
    require_chromium()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=FLAGS, headless=True, offline=True,
            viewport={"width": width, "height": height},
        )  # fmt: skip
        try:
            page = browser.new_page()
            errors: list[str] = []

            def route(route) -> None:
                if route.request.url.startswith(("file:", "data:", "blob:")):
                    route.continue_()
                else:
                    errors.append(f"request left the page: {route.request.url}")
                    route.abort()

            page.route("**/*", route)
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("requestfailed", lambda request: errors.append(f"request failed: {request.url}")
                    if not request.url.startswith("https://edges.invalid") else None)  # fmt: skip
            page.goto(path.resolve().as_uri())
            page.wait_for_load_state("load")
            yield page, errors
        finally:
            browser.close()


def chart_pages(page) -> dict[int, tuple[int, int]]:
    """Print ``page`` to an A4 PDF; return for each chart the page numbers of its top and bottom edge."""
    page.evaluate(_EDGES)
    page.emulate_media(media="print")
    page.wait_for_timeout(500)
    text = page.pdf(format="A4").decode("latin-1")
    objects = {m.group(1): m.group(2) for m in re.finditer(r"(\d+) 0 obj\s*(.*?)endobj", text, re.S)}
    pages = [key for key, body in objects.items() if re.search(r"/Type\s*/Page\b", body)]
    edges: dict[int, dict[str, int]] = {}
    for number, key in enumerate(pages):
        annots = re.search(r"/Annots\s*\[([^\]]*)\]", objects[key])
        for ref in re.findall(r"(\d+) 0 R", annots.group(1) if annots else ""):
            found = re.search(r"edges\.invalid/(\d+)/(top|bottom)", objects.get(ref, ""))
            if found:
                edges.setdefault(int(found.group(1)), {})[found.group(2)] = number
    return {chart: (where.get("top", -1), where.get("bottom", -1)) for chart, where in edges.items()}
