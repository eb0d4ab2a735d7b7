"""The three pages as a class and an analyst meet them, in headless Chromium at laptop and projector size.

Each page is opened offline with every request refused unless it is a local file; it must load, draw every
chart and play its replay without a console error, keep type at 14 px or more, keep every text inside its
chart and no titles or labels on top of each other, print every chart whole on one A4 page, offer no cloud
service, and stay about the size of plotly.js whatever the number of replications. Screenshots of every page
at both sizes are saved under the session's pytest folder (``screenshots/``) for a reader to look at.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from browser import DRAWN, LAYOUT_CHECKS, SIZES, chart_pages, open_page
from conftest import NEGSIM, run_negsim
from plotly.offline import get_plotlyjs

pytestmark = [pytest.mark.slow, pytest.mark.browser]

LIBRARY = "baseline,russia_guarantor,coalition_deploys,us_pressure,elections_first,corruption_scandal"
SWEEPS = {
    "small": ["-m", "scenario=baseline,coalition_deploys", "replications=1000", "report=true"],
    "large": ["-m", "scenario=baseline,coalition_deploys", "replications=100000", "report=true"],
    "grid": ["+experiment=territory_pressure", "replications=100"],
    "twelve": ["-m", f"scenario={LIBRARY}", "seed=0,1", "replications=100"],
    "sensitivity": ["+analysis=sensitivity", "uncertainty.judgments=0.05", "sensitivity.base_samples=16",
                    "sensitivity.replications=8", "sensitivity.resamples=20"],
}
PAGES = {
    "report": ("small", "0/report.html"),
    "report-escalation": ("small", "1/report.html"),
    "sweep": ("small", "sweep.html"),
    "comparison": ("small", "comparison.html"),
    "sweep-grid": ("grid", "sweep.html"),
    "comparison-12": ("twelve", "comparison.html"),
    "sweep-12": ("twelve", "sweep.html"),
    "sensitivity": ("sensitivity", "sensitivity.html"),
}
COUNT = "() => document.querySelectorAll('figure.chart').length"
MODEBAR = "Array.from(document.querySelectorAll('.modebar-btn')).map(b => b.getAttribute('data-title'))"


def _sweep(name: str, root: Path) -> Path:
    folder = root / name
    where = "run" if name == "sensitivity" else "sweep"  # one analysis, not a sweep
    done = run_negsim([*SWEEPS[name], "progress=false", f"hydra.{where}.dir={folder}"], cwd=root)
    assert done.returncode == 0, done.stderr[-3000:]
    return folder


@pytest.fixture(scope="module")
def sweeps(tmp_path_factory) -> dict[str, Path]:
    """The sweeps whose pages are read, run at once through the real ``negsim`` command."""
    root = tmp_path_factory.mktemp("pages")
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(_sweep, name, root) for name in SWEEPS}
        return {name: future.result() for name, future in futures.items()}


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = tmp_path_factory.getbasetemp() / "screenshots"
    folder.mkdir(exist_ok=True)
    return folder


def _drawn(page) -> int:
    count = page.evaluate(COUNT)
    page.wait_for_function(DRAWN, arg=count)
    return count


@pytest.mark.parametrize("name", PAGES)
def test_every_page_reads_well_at_laptop_and_projector_size(sweeps, shots, name, capsys):
    sweep, file = PAGES[name]
    with open_page(sweeps[sweep] / file, width=SIZES[0][0], height=SIZES[0][1]) as (page, errors):
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            page.wait_for_timeout(400)
            assert _drawn(page) >= 3
            found = page.evaluate(LAYOUT_CHECKS)
            assert found == {"small": [], "outside": [], "overlaps": []}, (width, found)
            assert page.evaluate("document.documentElement.scrollWidth") <= width  # never wider than the screen
            page.screenshot(path=shots / f"{name}-{width}x{height}.png", full_page=True)
        titles = set(page.evaluate(MODEBAR))
        assert titles == {"Download plot as a PNG"}, titles  # no "Share chart", no Chart Studio
        assert errors == []
    assert str(sweeps[sweep].parent) not in (sweeps[sweep] / file).read_text(encoding="utf-8")  # no folder paths
    with capsys.disabled():
        print(f"\nscreenshots of {name}: {shots}/{name}-*.png")


@pytest.mark.parametrize("name", ["report", "sweep-grid", "comparison-12", "sensitivity"])
def test_printing_keeps_every_chart_whole_on_one_page(sweeps, name):
    sweep, file = PAGES[name]
    with open_page(sweeps[sweep] / file) as (page, errors):
        count = _drawn(page)
        where = chart_pages(page)
        assert sorted(where) == list(range(count))
        split = {chart: edges for chart, edges in where.items() if edges[0] != edges[1] or edges[0] < 0}
        assert not split, f"charts split over a page break: {split}"
        found = page.evaluate(LAYOUT_CHECKS)  # at the printed width: end labels and titles still inside
        assert found["outside"] == [] and found["overlaps"] == [], found
        assert errors == []


def test_a_full_play_from_the_keyboard_logs_no_error(sweeps):
    with open_page(sweeps["small"] / "1" / "report.html") as (page, errors):
        _drawn(page)
        page.focus("#negsim-play")
        page.keyboard.press("Enter")  # the Play button, from the keyboard
        page.wait_for_timeout(1200)
        assert page.evaluate("window.negsimReplay.state().playing")
        page.keyboard.press("Space")  # pause
        assert not page.evaluate("window.negsimReplay.state().playing")
        page.focus("#negsim-replay")
        page.keyboard.press("ArrowLeft")
        page.keyboard.press("Space")  # play on, to the last round
        page.wait_for_function("() => { const s = window.negsimReplay.state(); "
                               "return !s.playing && s.current === s.count - 1; }", timeout=90_000)  # fmt: skip
        last = page.locator("#negsim-replay .gtitle").text_content()
        assert last.startswith("Round ") and "of" in last
        assert errors == []


def test_projector_mode_uses_the_screen_width(sweeps):
    with open_page(sweeps["small"] / "comparison.html", width=1920, height=1080) as (page, errors):
        _drawn(page)
        before = page.evaluate("document.querySelector('.js-plotly-plot').getBoundingClientRect().width")
        page.click("#negsim-projector")
        page.wait_for_timeout(600)
        after = page.evaluate("document.querySelector('.js-plotly-plot').getBoundingClientRect().width")
        assert before <= 1200 < 1700 < after
        assert page.evaluate("location.hash") == "#projector"
        assert errors == []


def test_pages_stay_the_size_of_plotly_js_whatever_the_replications(sweeps, capsys):
    plotly = len(get_plotlyjs().encode())
    lines = [f"plotly.js alone: {plotly / 1e6:.2f} MB"]
    for name, (_, file) in {k: v for k, v in PAGES.items() if v[0] == "small"}.items():
        sizes = {size: (sweeps[size] / file).stat().st_size for size in ("small", "large")}
        assert all(size < plotly + 700_000 for size in sizes.values()), (name, sizes)
        assert abs(sizes["large"] - sizes["small"]) < 150_000, (name, sizes)  # nothing grows with replications
        times = {}
        for size in ("small", "large"):
            with open_page(sweeps[size] / file) as (page, errors):
                _drawn(page)
                times[size] = page.evaluate("performance.now()") / 1000
                assert errors == []
        lines.append(f"{name}: {sizes['small'] / 1e6:.2f} MB at 1,000 replications, drawn in {times['small']:.2f} s; "
                     f"{sizes['large'] / 1e6:.2f} MB at 100,000, drawn in {times['large']:.2f} s")  # fmt: skip
    with capsys.disabled():
        print("\n" + "\n".join(lines))


def test_identical_inputs_give_identical_pages(sweeps, tmp_path):
    folder = shutil.copytree(sweeps["small"], tmp_path / "again")
    for tool, args in (("negsim-aggregate", [str(folder)]), ("negsim-compare", [str(folder), "--out", str(folder)]),
                       ("negsim-report", [str(folder / "1")])):  # fmt: skip
        started = time.perf_counter()
        done = subprocess.run([str(NEGSIM.with_name(tool)), *args], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, (tool, done.stderr, time.perf_counter() - started)
    for file in ("sweep.html", "comparison.html", "1/report.html"):
        assert (folder / file).read_bytes() == (sweeps["small"] / file).read_bytes(), file


def test_the_sweep_page_answers_the_experiments_question(sweeps):
    with open_page(sweeps["grid"] / "sweep.html") as (page, errors):
        _drawn(page)
        text = page.evaluate("document.body.innerText")
        assert "How strong must US pressure on Ukraine be before territory is ceded?" in text
        assert "influence of United States on Ukraine (weight)" in text
        assert "Ukraine · red line on Territory ceded to Russia (max)" in text
        shown = page.evaluate("Array.from(document.querySelectorAll('.js-plotly-plot')).map(d => "
                              "[d.layout.title && d.layout.title.text, d.data.map(t => t.type)])")  # fmt: skip
        territory = [s for s in shown if s[0] and "Territory ceded to Russia" in s[0]]
        assert territory and territory[0][1] == ["heatmap"]  # the question's answer: the territory agreed
        ticks = page.evaluate("Array.from(document.querySelectorAll('.js-plotly-plot')[0].querySelectorAll("
                              "'.xtick text')).map(t => t.textContent)")  # fmt: skip
        assert ticks == ["0.1", "0.3", "0.5", "0.7"]  # ticks at the swept values
        cells = page.evaluate("document.querySelectorAll('.js-plotly-plot')[0].querySelectorAll('.heatmaplayer text')"
                              ".length")  # fmt: skip
        assert cells >= 16  # a value in every cell
        body = page.evaluate("Array.from(document.querySelectorAll('section:not(.run-box)')).map(s => s.innerText)"
                             ".join(' ')")  # fmt: skip
        assert "scenario.actors" not in body and "scenario.influence" not in body  # no raw keys outside the command
        assert errors == []
