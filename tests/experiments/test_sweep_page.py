"""The sweep page's pieces without a browser or a run: each job's statistics, and what the charts carry."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from negsim.experiments.pages.figure import Figure
from negsim.experiments.pages.page import OUTCOMES, PALETTE
from negsim.experiments.sweep import charts
from negsim.experiments.sweep.profile import groups
from negsim.experiments.sweep.view import SweepView, job_statistics
from negsim.experiments.sweep.words import sweep_words

PRESSURE, RED_LINE = "scenario.influence.us.ukraine.weight", "scenario.actors.ukraine.red_lines.territory_ceded.max"
STYLE = "scenario.actors.russia.concession"


def test_job_statistics_average_terms_over_agreements_only(tmp_path: Path):
    frame = pd.DataFrame({
        "outcome": pd.Categorical(["agreement", "agreement", "breakdown", "agreement"], categories=OUTCOMES),
        "round": [3, 5, 9, 4], "terms.territory": [0.1, 0.3, np.nan, 0.2], "value.ukraine": [0.6, 0.5, np.nan, 0.55],
        "utility.ukraine": [0.6, 0.5, 0.2, 0.55],
    })  # fmt: skip
    frame.to_parquet(tmp_path / "results.parquet")
    (tmp_path / "summary.json").write_text(json.dumps({"reservation": {"ukraine": 0.2}}), encoding="utf-8")
    stats = job_statistics(tmp_path)
    assert stats["agreements"] == 3
    assert stats["terms.territory"] == pytest.approx(0.2)  # the breakdown never enters the terms
    assert stats["terms.territory.low"] < 0.2 < stats["terms.territory.high"]
    assert stats["utility.ukraine"] == pytest.approx(0.4625)  # utility counts every run, failed ones too
    assert stats["rounds_agreed"] == pytest.approx(4.0)
    assert stats["share.breakdown.low"] < 0.25 < stats["share.breakdown.high"]
    assert stats["reservation.ukraine"] == 0.2


def _cells(keys: dict[str, list], agreements: list[int]) -> pd.DataFrame:
    """Jobs over every combination of ``keys`` with the statistics :class:`SweepView` adds."""
    index = pd.MultiIndex.from_product(list(keys.values()), names=list(keys))
    cells = index.to_frame(index=False)
    n, runs = len(cells), 1000
    agreed = np.resize(np.asarray(agreements), n)
    rate = agreed / runs
    terms = np.linspace(0.0, 0.3, n)
    cells = cells.assign(job=range(n), replications=runs, agreements=agreed, agreement_rate=rate,
                         agreement_low=rate - 0.05, agreement_high=np.minimum(rate + 0.05, 1.0),
                         rounds_agreed=np.linspace(10, 14, n), **{"rounds_agreed.low": 9.0, "rounds_agreed.high": 15.0})
    for outcome in OUTCOMES:
        share = rate if outcome == "agreement" else (1 - rate if outcome == "breakdown" else 0.0 * rate)
        cells[f"share.{outcome}"], cells[f"share.{outcome}.low"] = share, share * 0.9
        cells[f"share.{outcome}.high"] = np.minimum(share * 1.1, 1.0)
    cells["terms.territory"], cells["terms.territory.low"] = terms, terms - 0.01
    cells["terms.territory.high"] = terms + 0.01
    for actor, reserve in (("russia", 0.4), ("ukraine", 0.2)):
        cells[f"utility.{actor}"] = 0.5 + terms / 3
        cells[f"utility.{actor}.low"], cells[f"utility.{actor}.high"] = cells[f"utility.{actor}"] - 0.02, 0.6
        cells[f"reservation.{actor}"] = reserve
    return cells  # fmt: skip


def sweep_figures(view: SweepView) -> dict[str, list]:
    """The page's charts as Plotly's graph objects: each passes Plotly's validation (the page skips it), and the
    tests read them as graph objects."""
    return {key: [go.Figure(f.to_dict()) if isinstance(f, Figure) else f for f in found]
            for key, found in charts.sweep_figures(view).items()}  # fmt: skip


def _view(cells: pd.DataFrame, numeric: list[str], categorical: list[str] = ()) -> SweepView:
    return SweepView(cells=cells, numeric=numeric, categorical=list(categorical), scenario=None)


def test_two_settings_give_heatmaps_with_value_and_interval_in_every_cell_at_the_swept_values():
    view = _view(_cells({PRESSURE: [0.1, 0.3, 0.5], RED_LINE: [0.0, 0.2]}, [100, 80, 28]), [PRESSURE, RED_LINE])
    figures = sweep_figures(view)
    (terms,) = figures["terms"]
    (heatmap,) = terms.data
    assert list(heatmap.x) == ["0.1", "0.3", "0.5"] and list(heatmap.y) == ["0", "0.2"]
    assert (heatmap.zmin, heatmap.zmax) == (0.0, 1.0)  # the issue's full scale, not the values' range
    cells = [text for row in heatmap.text for text in row]
    assert len(cells) == 6 and all("±" in text for text in cells)
    assert any("n 28" in text for text in cells)  # how many agreements the value rests on, where counts differ
    shares = [f for f in figures["outcomes"] if f.data[0].type == "heatmap" and "agreement" in f.layout.title.text]
    assert shares and all("–" in text for row in shares[0].data[0].text for text in row)
    (parties,) = figures["parties"]
    assert all("no deal" in text for trace in parties.data for row in trace.text for text in row)


def test_one_setting_marks_the_agreements_behind_each_point():
    view = _view(_cells({PRESSURE: [0.1, 0.3, 0.5, 0.7]}, [640, 300, 120, 28]), [PRESSURE])
    (terms,) = sweep_figures(view)["terms"]
    (trace,) = terms.data
    assert list(trace.x) == [0.1, 0.3, 0.5, 0.7]
    assert [t.endswith(f"(n {n})") for t, n in zip(trace.text, (640, 300, 120, 28), strict=True)] == [True] * 4
    sizes = list(trace.marker.size)
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > sizes[-1]  # fewer agreements, smaller marker
    assert trace.error_y.array is not None and max(trace.error_y.array) > 0
    parties = sweep_figures(view)["parties"][0]
    reserves = [t for t in parties.data if "reservation value" in (t.hovertemplate or "")]
    assert len(reserves) == 2 and {tuple(t.y) for t in reserves} == {(0.4,) * 4, (0.2,) * 4}


def test_outcomes_never_wear_a_party_colour_and_named_settings_say_whose_they_are():
    cells = _cells({STYLE: ["boulware", "conceder"]}, [90, 40])
    view = _view(cells, [], [STYLE])
    (outcomes, _rounds) = sweep_figures(view)["outcomes"]
    bars = [t for t in outcomes.data if t.type == "bar"]
    assert {t.name for t in bars} == {"agreement", "breakdown"}
    assert not {t.marker.color for t in bars} & set(PALETTE)
    assert list(bars[0].x) == ["boulware", "conceder"]
    ((label, _), _) = groups(view, [STYLE])
    assert label == "russia · concession style = boulware"


def test_plain_words_name_where_the_extremes_sit():
    view = _view(_cells({PRESSURE: [0.1, 0.3, 0.5, 0.7]}, [640, 300, 120, 28]), [PRESSURE])
    words = " ".join(sweep_words(view))
    assert "Agreement: from 3% (0.7) to 64% (0.1)" in words
    assert ("territory (agreed terms, 0 = low, 1 = high): from 0.00 (0.1, over 640 agreements) to 0.30 (0.7, over "
            "28 agreements)") in words
    assert "above what no deal is worth to it in every job" in words


def test_plain_words_say_whose_setting_is_whose():
    ukraine = "scenario.actors.ukraine.concession"
    cells = _cells({STYLE: ["boulware", "conceder"], ukraine: ["hardliner", "linear"]}, [900, 800, 700, 600])
    words = " ".join(sweep_words(_view(cells, [], [STYLE, ukraine])))
    assert "the job's concession style of russia and ukraine" in words
    assert "Agreement: from 60% (russia conceder; ukraine linear) to 90% (russia boulware; ukraine hardliner)" in words


def test_a_swept_seed_repeats_jobs_as_a_series_never_as_an_axis():
    cells = _cells({"scenario": ["baseline", "coalition_deploys"], "seed": [0, 1]}, [1000, 1000, 500, 600])
    figures = sweep_figures(_view(cells, ["seed"], ["scenario"]))
    (outcomes, _rounds) = figures["outcomes"]
    assert [list(t.x) for t in outcomes.data] == [["baseline", "coalition deploys"]] * 2
    assert [t.name for t in outcomes.data] == ["seed = 0", "seed = 1"]
    (terms,) = figures["terms"]
    assert not any(any(t.text or []) for t in terms.data)  # no labels piled on each other


def test_three_settings_show_the_agreements_behind_each_point_and_each_party_against_no_deal():
    third = "scenario.actors.ukraine.reservation"
    cells = _cells({PRESSURE: [0.1, 0.5], RED_LINE: [0.0, 0.2], third: [0.3, 0.5]}, [900, 100])
    figures = sweep_figures(_view(cells, [PRESSURE, RED_LINE, third]))
    (terms,) = figures["terms"]
    jobs = [t for t in terms.data if t.mode == "markers"]
    assert len(jobs) == 3 and all(len(set(t.marker.size)) == 2 for t in jobs)  # 900 and 100 agreements differ
    assert all("over 100 agreements" in " ".join(t.hovertext) for t in jobs)
    (parties,) = figures["parties"]
    reserves = [t for t in parties.data if "reservation value" in (t.hovertemplate or "")]
    assert len(reserves) == 2 * 3 and {t.y[0] for t in reserves} == {0.4, 0.2}
