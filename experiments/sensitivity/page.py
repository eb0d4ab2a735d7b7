"""``sensitivity.html``: which assumptions decide the outcome, as an offline page."""

from __future__ import annotations

import html
from pathlib import Path

import plotly.graph_objects as go

from negsim.experiments.pages.glossary import Glossary
from negsim.experiments.pages.labels import esc
from negsim.experiments.pages.page import CHART_LAYOUT, Section, actor_colours, reading_list, run_box, write_page
from negsim.experiments.pages.provenance import hydra_settings, parse_overrides, reproduce_command, run_overrides
from negsim.experiments.sensitivity.analysis import Sensitivity, top_values

__all__ = ["evidence_note", "write_sensitivity_page"]

#: Colour of values that belong to no actor (noise).
NEUTRAL = "#7f7f7f"
#: Values shown per output.
SHOWN = 12


def evidence_note(kind: str) -> str:
    """How a value's evidence is marked on the charts."""
    return "judgment (hatched)" if kind == "judgment" else "quote (solid)"


def _colours(result: Sensitivity) -> dict[str | None, str]:
    return {**actor_colours(result.run.scenario.actor_names), None: NEUTRAL}


def _fixed(figure: go.Figure) -> go.Figure:
    """Axes that do not zoom or pan, as on every page: the chart's only button is the PNG download."""
    return figure.update_xaxes(fixedrange=True).update_yaxes(fixedrange=True)


def _indices_figure(result: Sensitivity, output: str, label: str) -> go.Figure:
    record, colours = result.record, _colours(result)
    ranked = top_values(record, output, SHOWN)[::-1]  # largest at the top
    names = [f"{p['label']} · {p['evidence']}" for p, _ in ranked]
    colour = [colours.get(p["actor"], NEUTRAL) for p, _ in ranked]
    pattern = ["/" if p["evidence"] == "judgment" else "" for p, _ in ranked]

    def bars(kind: str, opacity: float) -> go.Bar:
        value = [f[kind] or 0.0 for _, f in ranked]
        low = [max(0.0, (f[kind] or 0.0) - (f[f"{kind}_low"] or 0.0)) for _, f in ranked]
        high = [max(0.0, (f[f"{kind}_high"] or 0.0) - (f[kind] or 0.0)) for _, f in ranked]
        return go.Bar(
            x=value, y=names, orientation="h",
            name="total (with interactions)" if kind == "total" else "first-order (alone)",
            marker={"color": colour, "opacity": opacity, "pattern": {"shape": pattern, "fgcolor": "white"}},
            error_x={"type": "data", "symmetric": False, "array": high, "arrayminus": low, "color": "#333"},
            hovertemplate="%{y}<br>" + kind + " index %{x:.3f}<extra></extra>",
        )  # fmt: skip

    figure = go.Figure([bars("total", 1.0), bars("first", 0.45)])
    figure.update_layout(**CHART_LAYOUT | {"legend": {"orientation": "h", "y": -0.12}}, barmode="group",
                         height=120 + 42 * len(ranked), title=f"{html.escape(label)}: share of its variance",
                         xaxis_title="Sobol' index", xaxis={"range": [0, 1.05]}, margin={"l": 20})  # fmt: skip
    figure.update_yaxes(automargin=True)
    return _fixed(figure)


def _rate_figure(result: Sensitivity) -> go.Figure:
    n = result.settings.base_samples
    rates = result.outputs[: 2 * n, 0]
    figure = go.Figure(go.Histogram(x=100 * rates, xbins={"start": -2.5, "end": 102.5, "size": 5},
                                    marker_color="#1b1b1b",  # colours are parties' only
                                    hovertemplate="%{x}% agree: %{y} draws<extra></extra>"))  # fmt: skip
    figure.update_layout(**CHART_LAYOUT, height=380, bargap=0.05, xaxis_title="% of a draw's replications that agree",
                         yaxis_title="parameter draws", xaxis={"range": [-3, 103]})  # fmt: skip
    return _fixed(figure)


def _scatter_figure(result: Sensitivity) -> go.Figure | None:
    record = result.record
    ranked = top_values(record, "agreement", 2)
    if len(ranked) < 2:
        return None
    keys = [p["key"] for p, _ in ranked]
    index = [next(i for i, u in enumerate(result.run.scenario.uncertain) if u.key == key) for key in keys]
    n = result.settings.base_samples
    x, y = result.values[: 2 * n, index[0]], result.values[: 2 * n, index[1]]
    rate = result.outputs[: 2 * n, 0]
    figure = go.Figure(go.Scatter(
        x=x, y=y, mode="markers", marker={"color": 100 * rate, "colorscale": "RdBu", "cmin": 0, "cmax": 100,
                                          "size": 7, "colorbar": {"title": "% agree"}},
        hovertemplate="%{x:.3f}, %{y:.3f}: %{marker.color:.0f}% agree<extra></extra>",
    ))  # fmt: skip
    box = record["discovery"]["likely"]
    if box is not None:
        limits = box["limits"]
        x0, x1 = limits.get(keys[0], [None, None])
        y0, y1 = limits.get(keys[1], [None, None])
        if keys[0] in limits or keys[1] in limits:
            figure.add_shape(type="rect", x0=x.min() if x0 is None else x0, x1=x.max() if x1 is None else x1,
                             y0=y.min() if y0 is None else y0, y1=y.max() if y1 is None else y1,
                             line={"color": "black", "width": 2, "dash": "dash"})  # fmt: skip
    labels = [html.escape(p["label"]) for p, _ in ranked]
    figure.update_layout(**CHART_LAYOUT, height=480, xaxis_title=labels[0], yaxis_title=labels[1])
    return _fixed(figure)


def _parameters_table(result: Sensitivity) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(p['label'])}</td><td>{html.escape(p['evidence'])}</td>"
        f"<td>{html.escape(p['distribution'])} {p['low']:.3g} – {p['high']:.3g}</td>"
        f"<td><code>{html.escape(p['key'])}</code></td></tr>"
        for p in result.record["parameters"]
    )  # fmt: skip
    return ("<details><summary>Every uncertain value and its range</summary><table><tr><th>value</th><th>backed by</th>"
            f"<th>range</th><th>key</th></tr>{rows}</table></details>")  # fmt: skip


def _boxes_table(record: dict) -> str:
    rows = []
    for name, heading in (("likely", "Agreement likely"), ("unlikely", "Agreement unlikely")):
        box = record["discovery"][name]
        if box is None:
            rows.append(f"<tr><td>{heading}</td><td colspan=4>no box: every draw is alike in this respect</td></tr>")
            continue
        rows.append(f"<tr><td>{heading}</td><td>{html.escape(box['text'])}</td><td>{100 * box['density']:.0f} %</td>"
                    f"<td>{100 * box['coverage']:.0f} %</td><td>{100 * box['mass']:.0f} %</td></tr>")  # fmt: skip
    return ("<table><tr><th>case</th><th>where</th><th>density</th><th>coverage</th><th>share of draws</th></tr>"
            + "".join(rows) + "</table>")


def _rate_words(record: dict) -> str:
    agreement = record["agreement"]
    q = agreement["quantiles"]
    seen = agreement["observed"]
    words = (f"Over {2 * record['base_samples']:,} independent parameter draws, the chance of a deal has a median of "
             f"{100 * q['p50']:.0f} %, and 90 % of draws give it between {100 * q['p05']:.0f} % and "
             f"{100 * q['p95']:.0f} % (the spread of the draws' own rates with their Monte Carlo noise removed; the "
             f"rates themselves, over {record['replications_per_sample']} replications each, lie between "
             f"{100 * seen['p05']:.0f} % and {100 * seen['p95']:.0f} %).")  # fmt: skip
    if agreement["knife_edge"]:
        words += (f" This is a knife-edge result: in {100 * agreement['never_agree']:.0f} % of draws a deal is almost "
                  f"impossible and in {100 * agreement['always_agree']:.0f} % almost certain, so the forecast rests "
                  "on which of these assumptions holds.")  # fmt: skip
    elif q["p05"] == q["p95"]:
        words += " The chance of a deal does not depend on these assumptions within their ranges."
    return words


def _run_section(result: Sensitivity, folder: Path) -> Section:
    """What was analysed, how large the design was, and the command that runs the analysis again."""
    record, run = result.record, result.run
    parameters = record["parameters"]
    judged = sum(p["evidence"] == "judgment" for p in parameters)
    seconds = sum(record["elapsed_seconds"].values())
    facts = [
        f"Scenario <b>{esc(run.scenario.name)}</b>: {esc(record['title'])}",
        f"{len(parameters)} uncertain values ({judged} judgments, {len(parameters) - judged} quotes given ranges)",
        f"{record['base_samples']:,} base samples × {record['replications_per_sample']} replications = "
        f"{record['replications']:,} replications with seed {run.seed}, in {seconds:.0f} s",
    ]
    overrides = parse_overrides(run_overrides(folder) or [])
    command = reproduce_command(overrides, hydra_settings(folder), extra={"seed": run.seed})
    return run_box(facts, command)


def _reading_section(glossary: Glossary) -> Section:
    """How to read the page, for a student meeting a sensitivity analysis for the first time."""
    tips = [
        "The scenario's uncertain values were drawn together many times; each parameter draw was simulated with the "
        "same chance events, so what differs between draws is the values alone.",
        "First: how often a deal comes about over the draws. A spread here means the forecast rests on the "
        "assumptions; a single bar means it does not.",
        "Then, for each outcome that varies, the values that decide it, largest Sobol' index first, with "
        "intervals. Colours are parties; hatched bars are the modeller's judgments, solid bars quotes given ranges.",
        "Last, scenario discovery: the ranges of values inside which a deal is likely, or unlikely.",
    ]
    return reading_list(tips, glossary)


def write_sensitivity_page(path: Path, result: Sensitivity) -> Path:
    """Write ``sensitivity.html`` for ``result`` (atomically)."""
    record = result.record
    glossary = Glossary(round_text=result.run.scenario.round)
    lead = "Which of the scenario's uncertain values decide whether the talks end in a deal, and on what terms?"
    sections = [
        _run_section(result, Path(path).parent), _reading_section(glossary),
        Section("What was varied", "Every value in the table was drawn from its range, all at once. Values backed by "
                "a quote from the source stay fixed unless the scenario gives them a range; "
                "uncertainty.judgments widens every judgment.", html=_parameters_table(result)),
        Section("How likely is a deal, over the assumptions", _rate_words(record), figures=(_rate_figure(result),)),
    ]
    figures, quiet = [], []
    for entry in record["outputs"]:
        if entry["variance"] <= 0 or all(v["total"] is None for v in entry["indices"].values()):
            quiet.append(entry["label"])
            continue
        figures.append(_indices_figure(result, entry["name"], entry["label"]))
    text = ("A value's first-order index is the share of an outcome's variance that would vanish, on average, if "
            "that value alone were known; its total index is the share that would remain if every other value were "
            "known (its own effect with everything it does together with other values). Bars show "
            f"{int(100 * record['confidence'])} % bootstrap intervals. Colours are actors; hatched bars are judgments, "
            "solid bars quotes.")  # fmt: skip
    if quiet:
        text += " Not shown, because they do not vary over the draws: " + "; ".join(quiet) + "."
    sections.append(Section("Which values decide each outcome", text, figures=tuple(figures)))
    scatter = _scatter_figure(result)
    sections.append(Section(
        "Where agreement is likely, and where not",
        f"Boxes found by PRIM among the independent draws; a draw counts as 'agreement likely' when at least "
        f"{100 * record['likely']:.0f} % of its replications agree. Density: the share of draws in the box where "
        "that holds; coverage: the share of all such draws the box holds. The chart plots the two values that matter "
        "most for agreement (dashed: the 'likely' box, where it limits them).",
        figures=() if scatter is None else (scatter,), html=_boxes_table(record),
    ))  # fmt: skip
    return write_page(path, title=f"Which assumptions decide the outcome · {record['title']}", lead=lead,
                      sections=sections, glossary=glossary)  # fmt: skip
