"""The teaching report: written by single runs, rebuilt by ``negsim-report``, opened in headless Chromium."""

from __future__ import annotations

import dataclasses
import html
import json
import re
import shlex
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
import yaml
from browser import open_page
from conftest import BASELINE, ROOT, run_negsim
from figures import assert_valid, report_figures

from negsim.experiments.report.common import ReportData
from negsim.experiments.report.text import below_reservation
from negsim.experiments.run.files import wilson_interval
from negsim.experiments.run.folder import RunFolder

REPORT = Path(sys.executable).with_name("negsim-report")
CHARTS = 6  # ideal points, replay, outcome shares, agreed terms, utilities, rounds
QUIET_CHARTS = 3  # influence_only: ideal points, replay (starting positions), where stated positions settle
EVIL_ACTOR = "<script>window.__pwned=1</script>"
EVIL_LOW = "<script>window.__pwned=2</script>"
EVIL_QUOTE = "judgment: <img src=x onerror=window.__pwned=3>"
EVIL_NAME = "<img src=x onerror=window.__pwned=4>"  # an actor's YAML key, which is also its label
EVIL_ISSUE = "<b>bold</b> <i>issue</i>"  # an issue's YAML key and label: Plotly would render these tags
CONFIGS = "{configs}"  # replaced by the folder of the scenarios written by _scenarios
RUNS = {
    "baseline": ["replications=200"],
    "big": ["replications=1000"],  # the issue's size budget: the baseline with 1,000 replications
    "evil": [
        "--config-dir", CONFIGS, "scenario=evil_names", "replications=50",
        f'scenario.actors.russia.label="{EVIL_ACTOR}"', f'scenario.issues.territory_ceded.low_label="{EVIL_LOW}"',
        f'scenario.actors.us.evidence.profile="{EVIL_QUOTE}"',
    ],
    "quiet": ["replications=50", "protocol=influence_only", "record=0"],  # no agreement, no round log
    "no_deal": ["--config-dir", CONFIGS, "scenario=no_common_ground", "replications=50"],  # red lines clash
    "mixed": ["scenario=coalition_deploys", "replications=200", "report=true"],  # agreements and escalations
    # capability, protocol and an added red line: the report must say so and how to run it again
    "changed": ["replications=200", "scenario.actors.russia.capability=0.5", "protocol=mediated",
                "+scenario.actors.ukraine.red_lines.guarantee_inclusion={max: 0.95}",
                '+scenario.actors.ukraine.evidence.red_lines.guarantee_inclusion="judgment: a test"'],
    "stalled": ["replications=200", "scenario.noise.perception=0.3"],  # stalemates with named holdouts
    "walkaway": ["replications=50", "scenario.actors.ukraine.reservation=0.8"],  # no zone: Ukraine walks away
}  # fmt: skip
#: Russia's new red line on territory (at least 0.5) clashes with Ukraine's (at most 0): no deal is possible.
NO_COMMON_GROUND = """\
defaults:
  - baseline
  - _self_
name: no_common_ground
actors:
  russia:
    red_lines:
      territory_ceded: {min: 0.5}
    evidence:
      red_lines.territory_ceded: "judgment: a test of red lines that leave no deal"
"""
RENDERED = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(div => {
  const svg = div.querySelector('.main-svg'); const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
  return {svgs: div.querySelectorAll('.main-svg').length, width: box.width, height: box.height,
          traces: div.querySelectorAll('g.trace').length};
})"""
ALL_DRAWN = f"""() => {{
  const plots = document.querySelectorAll('.js-plotly-plot');
  return plots.length === {CHARTS} && Array.from(plots).every(div => div.querySelector('.main-svg g.trace'));
}}"""
QUIET_DRAWN = ALL_DRAWN.replace(f"=== {CHARTS}", f"=== {QUIET_CHARTS}")
TITLE = "#negsim-replay .gtitle"
#: Every figure as JSON, the replay's frames included; legend groups are ids that are never shown, so left out.
FIGURES = """() => JSON.stringify([
  ...Array.from(document.querySelectorAll('.js-plotly-plot')).map(div => [div.data, div.layout]),
  JSON.parse(document.getElementById('negsim-replay-data').textContent),
], (key, value) => key === 'legendgroup' ? undefined : value)"""


def _rename(node: object, old: str, new: str) -> object:
    """``node`` with every key, value and evidence key ``ideal.OLD`` that names ``old`` renamed to ``new``."""
    if isinstance(node, dict):
        keys = {k: new if k == old else k.replace(f".{old}", f".{new}") if k.endswith(f".{old}") else k for k in node}
        return {keys[k]: _rename(v, old, new) for k, v in node.items()}
    return new if node == old else node


def _scenarios(root: Path) -> Path:
    """A ``--config-dir`` with two scenarios: red lines that leave no deal, and hostile YAML keys.

    ``evil_names`` is the baseline with the European allies and the election timing renamed to
    ``EVIL_NAME`` and ``EVIL_ISSUE`` and their labels dropped, so the keys are shown as labels.
    """
    folder = root / "configs"
    (folder / "scenario").mkdir(parents=True)
    (folder / "scenario" / "no_common_ground.yaml").write_text(NO_COMMON_GROUND, encoding="utf-8")
    raw = _rename(_rename(yaml.safe_load(BASELINE.read_text(encoding="utf-8")), "europe", EVIL_NAME),
                  "election_timing", EVIL_ISSUE)  # fmt: skip
    del raw["actors"][EVIL_NAME]["label"], raw["issues"][EVIL_ISSUE]["label"]
    raw["name"] = "evil_names"
    text = yaml.safe_dump(raw, allow_unicode=True, sort_keys=False)
    (folder / "scenario" / "evil_names.yaml").write_text(text, encoding="utf-8")
    return folder


def _run(name: str, root: Path, configs: Path) -> Path:
    folder = root / name
    args = [str(configs) if arg == CONFIGS else arg for arg in RUNS[name]]
    done = run_negsim([*args, "progress=false", f"hydra.run.dir={folder}"], cwd=ROOT)
    assert done.returncode == 0, done.stderr
    (folder / "stdout.txt").write_text(done.stdout, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    """Every run this module reads, made at once through the real ``negsim`` command."""
    root = tmp_path_factory.mktemp("report")
    configs = _scenarios(root)
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(_run, name, root, configs) for name in RUNS}
        return {name: future.result() for name, future in futures.items()}


def _page_text(folder: Path) -> str:
    """The report's HTML with entities decoded and tags dropped, whitespace collapsed."""
    text = re.sub(r"</?span[^>]*>", "", (folder / "report.html").read_text(encoding="utf-8"))  # glossed words
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", html.unescape(text))


@pytest.mark.slow  # the module's runs write five reports
def test_a_single_run_writes_the_report_and_lists_it(runs):
    folder = runs["baseline"]
    assert (folder / "report.html").stat().st_size > 0
    assert "report.html" in (folder / "stdout.txt").read_text(encoding="utf-8").splitlines()[-1]


@pytest.mark.slow  # the module's runs write five reports
@pytest.mark.browser
def test_report_renders_every_chart_and_the_slider_moves_the_replay(runs, tmp_path):
    with open_page(runs["baseline"] / "report.html", width=1366, height=768) as (page, errors):
        page.wait_for_function(ALL_DRAWN)
        charts = page.evaluate(RENDERED)
        assert len(charts) == CHARTS
        assert all(c["svgs"] and c["width"] > 0 and c["height"] > 0 and c["traces"] for c in charts), charts
        first = page.locator(TITLE).text_content()
        rounds = int(re.match(r"Round 1 of (\d+)", first).group(1))
        rail = page.locator("#negsim-replay .slider-rail-rect")
        rail.scroll_into_view_if_needed()
        box = rail.bounding_box()
        page.mouse.click(box["x"] + box["width"] - 1, box["y"] + box["height"] / 2)  # drag to the last round
        page.wait_for_function(f"!document.querySelector('{TITLE}').textContent.startsWith('Round 1 of')")
        assert page.locator(TITLE).text_content().startswith(f"Round {rounds} of {rounds}")
        assert page.evaluate("document.getElementById('negsim-replay').layout.sliders[0].active") == rounds - 1
        page.locator("#negsim-replay").screenshot(path=tmp_path / "replay.png")
        page.screenshot(path=tmp_path / "report.png", full_page=True)
        assert errors == []
    assert (tmp_path / "report.png").stat().st_size > 0 and (tmp_path / "replay.png").stat().st_size > 0


@pytest.mark.slow  # the module's runs write five reports
@pytest.mark.parametrize("name", sorted(RUNS))
def test_every_chart_passes_plotlys_validation(runs, name):
    """The report writes its charts as plain dicts, unchecked; here Plotly checks every property of each."""
    figures = report_figures(runs[name])
    assert len(figures) >= (QUIET_CHARTS if name == "quiet" else CHARTS)
    assert_valid(figures)


def test_the_validation_catches_a_misspelt_property():
    with pytest.raises(ValueError, match="colour"):
        assert_valid([{"data": [{"type": "scatter", "x": [1], "marker": {"colour": "red"}}], "layout": {}}])


@pytest.mark.slow  # the module's runs write five reports
def test_replay_offers_an_agreement_and_a_failure_when_both_were_logged(runs):
    folder = runs["mixed"]
    logged = sorted(pd.read_parquet(folder / "rounds.parquet")["replication"].unique())
    outcomes = pd.read_parquet(folder / "results.parquet").set_index("replication").loc[logged, "outcome"]
    assert {"agreement"} < set(outcomes), "the run should log both kinds; pick another seed"
    page = (folder / "report.html").read_text(encoding="utf-8")
    offered = [int(v) for v in re.findall(r'<option value="(-?\d+)">replication', page)]
    assert offered[:3] == logged[:3]
    assert {str(outcomes[r]) for r in offered} >= {"agreement", next(o for o in outcomes if o != "agreement")}


@pytest.mark.slow  # the module's runs write five reports
@pytest.mark.browser
def test_text_from_scenario_files_is_escaped_everywhere(runs):
    page_html = (runs["evil"] / "report.html").read_text(encoding="utf-8")
    assert EVIL_ACTOR not in page_html and "<img src=x" not in page_html and EVIL_ISSUE not in page_html
    with open_page(runs["evil"] / "report.html") as (page, errors):
        page.wait_for_function(ALL_DRAWN)
        assert page.evaluate("typeof window.__pwned") == "undefined"
        body = page.evaluate("document.body.innerText")
        for evil in (EVIL_ACTOR, EVIL_NAME, EVIL_ISSUE):  # cards, replay picker, plain words
            assert evil in body
        assert page.evaluate("document.querySelectorAll('img').length") == 0
        figures = page.evaluate(FIGURES)
        for raw in ("<script", "<img", "<b>bold", "<i>issue"):
            assert raw not in figures, f"{raw} reaches Plotly unescaped"
        actors, issue = (EVIL_ACTOR, EVIL_NAME), (EVIL_ISSUE, EVIL_LOW)
        for (chart, part), texts in {
            ("ideals", ".ytick text"): actors, ("ideals", ".legendtext"): actors, ("ideals", ".annotation-text"): issue,
            ("replay", ".ytick text"): actors, ("replay", ".textpoint text"): actors,
            ("replay", ".annotation-text"): issue, ("terms", ".legendtext"): actors[:1],
            ("terms", ".annotation-text"): issue, ("utility", ".ytick text"): actors,
        }.items():  # fmt: skip
            shown = page.evaluate(f"Array.from(document.querySelectorAll('#negsim-{chart} {part}'))"
                                  ".map(t => t.textContent).join(' | ')")  # fmt: skip
            missing = [text for text in texts if text not in shown]
            assert not missing, f"{chart} {part}: not shown as text: {missing}"
        assert errors == []


@pytest.mark.slow  # the module's runs write five reports
def test_plain_words_match_the_results_table(runs):
    folder = runs["baseline"]
    results = pd.read_parquet(folder / "results.parquet")
    agreed = results[results["outcome"] == "agreement"]
    n, a = len(results), len(agreed)
    low, high = wilson_interval(a, n)
    text = _page_text(folder)
    lead = f"In all {n:,} runs" if a == n else f"In {a:,} of {n:,} runs"
    assert (
        f"{lead} ({a / n:.1%}; 95% interval {low:.1%}–{high:.1%}) the parties agreed, "
        f"on average after {agreed['round'].mean():.1f} rounds"
    ) in text
    failed = results["outcome"].value_counts()
    for outcome in ("breakdown", "stalemate", "escalation"):
        if failed.get(outcome, 0):
            assert f"{failed[outcome]:,} ({failed[outcome] / n:.1%};" in text
    summary = RunFolder.open(folder).summary
    assert f"Every veto party could have up to {summary['zopa']['depth']:.2f} more than its no-deal value" in text
    assert "Ukraine's red line on “Territory ceded to Russia” (at most 0.00 (None))" in text  # shapes the zone
    # Ukraine's red line at 0 on territory: every agreement cedes nothing, and the text says so and why.
    assert (agreed["terms.territory_ceded"] == 0).all()
    assert (
        f"Territory ceded to Russia: 0.00 (None) in every one of the {a:,} agreements, because Ukraine's red line "
        "allows at most 0.00 (None): “lacks both the legal and moral grounds to cede land”"
    ) in text
    for actor in ("russia", "ukraine"):
        spec = RunFolder.open(folder).run.scenario.actors[RunFolder.open(folder).run.scenario.actor_index(actor)]
        assert f"{agreed[f'value.{actor}'].mean():.2f} (no deal {spec.reservation:.2f})" in text


@pytest.mark.slow  # the module's runs write five reports
@pytest.mark.browser
def test_a_run_without_agreements_or_round_log_still_reports(runs):
    folder = runs["quiet"]
    text = _page_text(folder)
    assert "In none of the 50 runs did the parties agree" in text
    assert "Where stated positions settle" in text and "negsim-terms" not in text  # no empty histograms
    with open_page(folder / "report.html") as (page, errors):
        page.wait_for_function(QUIET_DRAWN)
        assert "starting positions" in page.locator("#negsim-replication").text_content()
        assert page.locator("#negsim-replay-steps").is_hidden()  # record=0: nothing to play
        assert page.evaluate("document.getElementById('negsim-replay').layout.sliders") is None
        assert errors == []


@pytest.mark.slow  # the module's runs write five reports
@pytest.mark.browser
def test_red_lines_that_leave_no_deal_are_named_in_the_report(runs):
    folder = runs["no_deal"]
    results = pd.read_parquet(folder / "results.parquet")
    assert (results["outcome"] == "breakdown").all() and (results["round"] == 0).all()
    assert pd.read_parquet(folder / "rounds.parquet").empty
    text = _page_text(folder)
    assert (
        "All 50 (100.0%; 95% interval 92.9%–100.0%) broke down before the first round, because the veto parties' "
        "red lines leave no deal possible: on Territory ceded to Russia, Russia's red line demands at least 0.50, "
        "but Ukraine's allows at most 0.00 (None)."
    ) in text
    assert "No deal is possible: on “Territory ceded to Russia”, Russia and Ukraine's red lines leave no value" in text
    assert "best reachable deal" not in text and "record=0" not in text
    with open_page(folder / "report.html") as (page, errors):
        page.wait_for_function(ALL_DRAWN)
        assert "no round to replay" in page.locator("#negsim-replication").text_content()
        assert page.locator(TITLE).text_content().startswith("Starting positions · no round was played")
        bars = page.evaluate("document.getElementById('negsim-rounds')._fullData"
                             ".map(t => [t.name, Number(t.x[0]), Number(t.y[0])])")  # fmt: skip
        assert bars == [["breakdown", 0, 50]]
        assert errors == []


@pytest.mark.slow  # the module's runs write five reports
def test_agreements_below_a_reservation_value_are_reported_for_every_party(runs):
    data = ReportData.load(RunFolder.open(runs["baseline"]))
    assert below_reservation(data).startswith(("No agreement left", "Some agreements left"))
    assert "Russia" not in below_reservation(data) and "Ukraine" not in below_reservation(data)
    results = data.results.copy()
    first = results.index[results["outcome"] == "agreement"][:3]
    results.loc[first, "utility.russia"] = 0.0  # a veto party signing a deal worth less than no deal
    text = below_reservation(dataclasses.replace(data, results=results))
    assert (
        f"Russia (a veto party, which should accept no such deal) in 3 of the {len(data.agreed):,} agreements" in text
    )


@pytest.mark.slow  # the module's runs write five reports
def test_negsim_report_rebuilds_the_report(runs, tmp_path):
    folder = shutil.copytree(runs["baseline"], tmp_path / "run")
    (folder / "report.html").unlink()
    done = subprocess.run([str(REPORT), str(folder)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(folder / "report.html")
    assert (folder / "report.html").read_bytes() == (runs["baseline"] / "report.html").read_bytes()


@pytest.mark.slow  # the module's runs write five reports
@pytest.mark.parametrize("missing", [None, "summary.json"])
def test_negsim_report_on_a_folder_that_is_not_a_run_exits_2(runs, tmp_path, missing):
    folder = tmp_path / "nothing"
    if missing:
        folder = shutil.copytree(runs["baseline"], tmp_path / "partial")
        (folder / missing).unlink()
    done = subprocess.run([str(REPORT), str(folder)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stdout == "" and len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith(f"negsim-report: error: {folder}: not a finished negsim run")


@pytest.mark.slow  # the module's runs write five reports
def test_negsim_report_on_a_sweep_folder_points_to_a_job_folder(runs, tmp_path):
    sweep = tmp_path / "sweep"
    for job in ("0", "1", "10"):
        (sweep / job).mkdir(parents=True)
        shutil.copy(runs["baseline"] / "summary.json", sweep / job)
    done = subprocess.run([str(REPORT), str(sweep)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (
        f"negsim-report: error: {sweep}: not a finished negsim run (no config.yaml); this is a sweep folder: "
        f"pass one of its job folders, such as {sweep / '0'}\n"
    )


def test_a_bad_report_setting_exits_2_before_running(tmp_path):
    done = run_negsim(["report=maybe", "replications=10", f"hydra.run.dir={tmp_path / 'run'}"], cwd=ROOT)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "negsim: error: configs/negsim.yaml (command line: report=maybe): report: got 'maybe'; "
        "allowed: auto, true, false"
    )
    assert not (tmp_path / "run" / "summary.json").exists()


@pytest.mark.slow  # the module's runs write five reports
@pytest.mark.browser
def test_baseline_report_with_1000_replications_is_small_and_opens_quickly(runs, capsys):
    path = runs["big"] / "report.html"
    size = path.stat().st_size
    assert size < 10_000_000
    with open_page(path) as (page, errors):
        page.wait_for_function(ALL_DRAWN)
        opened = page.evaluate("performance.now()") / 1000  # since navigation started
        assert errors == []
    with capsys.disabled():
        print(f"\nbaseline report, 1,000 replications: {size / 1e6:.2f} MB, charts drawn {opened:.2f} s after opening")


def _replay_store(folder: Path) -> dict:
    text = (folder / "report.html").read_text(encoding="utf-8")
    start = text.index('id="negsim-replay-data">') + len('id="negsim-replay-data">')
    return json.loads(text[start : text.index("</script>", start)])


def _captions(folder: Path) -> dict[int, list[str]]:
    """Each offered replication's captions, round by round, as plain text."""
    found = {}
    for replication, figure in _replay_store(folder)["figures"].items():
        titles = [frame["layout"]["title"]["text"] for frame in figure["frames"]] or [figure["layout"]["title"]["text"]]
        found[int(replication)] = [html.unescape(re.sub(r"<[^>]+>", " ", title)) for title in titles]
    return found


@pytest.mark.slow  # the module's runs write the reports
def test_a_changed_run_says_what_changed_and_how_to_run_it_again(runs):
    folder = runs["changed"]
    text = _page_text(folder)
    page = (folder / "report.html").read_text(encoding="utf-8")
    title = html.unescape(re.search(r"<h1>(.*?)</h1>", page).group(1))
    assert title.startswith("Security guarantees for Ukraine (article baseline), with 4 changes (")
    assert title != html.unescape(re.search(r"<h1>(.*?)</h1>", (runs["baseline"] / "report.html").read_text()).group(1))
    for change in ("Russia · capability: 0.5", "protocol: mediated",
                   "Ukraine · red line on Who guarantees Ukraine's security: max 0.95"):  # fmt: skip
        assert change in text
    command = html.unescape(re.search(r'<code class="command">(.*?)</code>', page).group(1))
    overrides = [line for line in yaml.safe_load((folder / ".hydra" / "overrides.yaml").read_text())
                 if not line.startswith("progress")]  # fmt: skip
    assert shlex.split(command) == ["negsim", *overrides, "seed=0"]
    assert "Nothing changed: the named scenario exactly as its file sets it." in _page_text(runs["baseline"])
    for name, run in runs.items():  # no page shows where it was written
        assert str(run.parent) not in (run / "report.html").read_text(encoding="utf-8"), name


@pytest.mark.slow  # the module's runs write the reports
def test_the_worked_example_is_the_models_own_arithmetic(runs):
    folder = runs["baseline"]
    text = _page_text(folder)
    found = re.search(r"Take (\w[\w ]*?) and the terms agreed in replication (\d+)\..*?utility = 1 − ([\d.]+) = "
                      r"(\d\.\d+).*?realised utility is [\d.]+ \+ [\d.]+ × [\d.]+ = (\d\.\d+)", text)  # fmt: skip
    assert found, "no worked example"
    label, replication, _, value, realised = found.groups()
    scenario = RunFolder.open(folder).run.scenario
    actor = next(a for a in scenario.actors if a.label == label)
    row = pd.read_parquet(folder / "results.parquet").set_index("replication").loc[int(replication)]
    assert float(value) == pytest.approx(row[f"value.{actor.name}"], abs=6e-4)
    assert float(realised) == pytest.approx(row[f"utility.{actor.name}"], abs=6e-4)


@pytest.mark.slow  # the module's runs write the reports
def test_failures_name_the_party_and_the_reason_in_words_and_in_the_replay(runs):
    escalation = ("European allies acted alone, setting “Foreign peacekeepers in Ukraine” to 0.80, over Russia's "
                  "red line (at most 0.10)")  # fmt: skip
    assert f"ended in escalation: {escalation}" in _page_text(runs["mixed"])
    outcomes = pd.read_parquet(runs["mixed"] / "results.parquet").set_index("replication")["outcome"]
    escalated = [r for r in _captions(runs["mixed"]) if outcomes[r] == "escalation"]
    assert escalated and all(escalation in _captions(runs["mixed"])[r][-1] for r in escalated)
    results = pd.read_parquet(runs["stalled"] / "results.parquet").set_index("replication")
    stalled = [r for r in _captions(runs["stalled"]) if results.at[r, "outcome"] == "stalemate"]
    assert stalled, "the run should log a stalemate; pick another seed"
    for r in stalled:
        labels = {"russia": "Russia", "ukraine": "Ukraine", "us": "United States"}
        named = [labels[n] for n in str(results.at[r, "holdouts"]).split()]
        last = _captions(runs["stalled"])[r][-1]
        assert "held out for more than the others could give" in last and all(name in last for name in named)
    text = _page_text(runs["walkaway"])
    assert "broke down before the first round, because no deal is possible: Ukraine would walk away" in text
    assert "Ukraine would walk away" in _captions(runs["walkaway"])[-1][0]


@pytest.mark.slow  # the module's runs write the reports
def test_every_term_a_student_meets_is_defined_on_the_page(runs):
    page = (runs["baseline"] / "report.html").read_text(encoding="utf-8")
    glossary = page[page.index('<section id="glossary">'):]
    defined = re.findall(r"<dt>(.*?)</dt>", glossary)
    for term in ("utility", "reservation value", "salience", "capability", "stubbornness", "discount",
                 "concession style", "veto party", "zone of possible agreement", "compromise", "weighted median",
                 "Nash bargaining solution", "weighted Nash", "95% interval", "round"):  # fmt: skip
        assert term in defined, term
        assert f'data-def="{html.escape(term)}: ' in page, f"{term} has no hover definition where it appears"
    assert "one month of talks" in glossary  # what a round stands for, from the scenario
