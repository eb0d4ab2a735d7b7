"""negsim's plain-dict figures against Plotly's graph objects: the same JSON, the same subplot grid."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest
from plotly.subplots import make_subplots

from negsim.experiments.pages.figure import Figure, subplots

GRIDS = [
    {"rows": 1, "cols": 1},
    {"rows": 4, "cols": 1, "vertical_spacing": 0.07},
    {"rows": 2, "cols": 2, "vertical_spacing": 0.15, "horizontal_spacing": 0.1},
    {"rows": 3, "cols": 2},
    {"rows": 4, "cols": 2, "specs": [[{}, {"rowspan": 4}], [{}, None], [{}, None], [{}, None]],
     "column_widths": [0.6, 0.4], "vertical_spacing": 0.05, "horizontal_spacing": 0.06},
]  # fmt: skip


@pytest.mark.parametrize("grid", GRIDS)
def test_the_grid_is_plotlys(grid):
    titles = [f"t{i}" for i in range(grid["rows"] * grid["cols"])]
    theirs = make_subplots(**grid, subplot_titles=titles).to_plotly_json()["layout"]
    mine = subplots(**grid, subplot_titles=titles).layout
    axes = sorted(k for k in theirs if k.startswith(("xaxis", "yaxis")))
    assert sorted(k for k in mine if k.startswith(("xaxis", "yaxis"))) == axes
    for key in axes:
        assert mine[key]["anchor"] == theirs[key]["anchor"]
        assert mine[key]["domain"] == pytest.approx(theirs[key]["domain"], abs=1e-12)
    assert len(mine["annotations"]) == len(theirs["annotations"])
    for a, b in zip(mine["annotations"], theirs["annotations"], strict=True):
        assert a["text"] == b["text"] and (a["x"], a["y"]) == pytest.approx((b["x"], b["y"]), abs=1e-12)
        keys = ("xanchor", "yanchor", "xref", "yref", "showarrow")
        assert [a[k] for k in keys] == [b[k] for k in keys]


def test_traces_and_layout_are_the_graph_objects_json():
    """Shorthand, titles given as text, axes per subplot and every axis at once, as Plotly spells them."""
    calls = [
        ("add_scatter", {"x": [1, 2], "y": [3, 4], "marker_color": "red", "marker": {"line_width": 2}, "row": 2,
                         "col": 1}),
        ("add_bar", {"x": [1], "y": [2], "error_x": {"type": "data", "array": [0.1]}, "row": 1, "col": 1}),
        ("update_layout", {"height": 400, "legend_traceorder": "normal", "title": "a title", "xaxis_title": "x"}),
        ("update_xaxes", {"range": [0, 1], "row": 2, "col": 1}),
        ("update_yaxes", {"title": "runs"}),
    ]  # fmt: skip
    mine, theirs = subplots(2, 1), make_subplots(rows=2, cols=1)
    for name, kwargs in calls:
        getattr(mine, name)(**kwargs)
        getattr(theirs, name)(**kwargs)
    expected = theirs.to_plotly_json()
    expected["layout"].pop("template")
    got = mine.to_dict()
    got["layout"].pop("template")
    assert got == expected


def test_the_template_is_plotlys():
    fig = Figure()
    fig.update_layout(template="plotly_white")
    assert fig.to_dict()["layout"]["template"] == go.Figure(layout={"template": "plotly_white"}).to_plotly_json()[
        "layout"]["template"]  # fmt: skip


@pytest.mark.parametrize("name", ["PuOr", "Viridis", "Cividis", "Cividis_r", "RdBu", "Blues", "YlOrRd"])
def test_a_colour_scale_is_spelled_out_as_plotlys(name):
    """Graph objects turn a scale's name into Plotly's colours; plotly.js's own scales of the same names differ
    (RdBu and Blues run the other way), so the name never reaches plotly.js."""
    fig = Figure()
    fig.add_heatmap(z=[[0, 1]], colorscale=name, marker={"colorscale": name})
    theirs = [list(step) for step in go.Heatmap(colorscale=name).colorscale]
    for mine in (fig.data[0]["colorscale"], fig.data[0]["marker"]["colorscale"]):
        assert [colour for _, colour in mine] == [colour for _, colour in theirs]
        assert [at for at, _ in mine] == pytest.approx([at for at, _ in theirs], abs=1e-12)


def test_names_with_an_underscore_are_plotlys():
    fig = Figure()
    fig.add_bar(x=[1], y=[1], error_y_color="red", error_x={"type": "data", "array": [1]})
    fig.update_layout(plot_bgcolor="white", paper_bgcolor="white", xaxis_title_font_size=12)
    theirs = go.Figure()
    theirs.add_bar(x=[1], y=[1], error_y_color="red", error_x={"type": "data", "array": [1]})
    theirs.update_layout(plot_bgcolor="white", paper_bgcolor="white", xaxis_title_font_size=12)
    expected = theirs.to_plotly_json()
    expected["layout"].pop("template")
    assert fig.data == expected["data"] and fig.layout == expected["layout"]
