"""Plotly figures as plain dicts, for the pages a command writes while the user waits.

A figure is what plotly.js draws: a ``data`` list of traces and a ``layout``, both plain JSON (Plotly's
"figures as dictionaries"). ``plotly.graph_objects`` checks every property as it is set, which costs about
half a second for the run report's ten charts, more than the simulation; :class:`Figure` builds the same
JSON with the few calls the report uses (Plotly's names, its ``marker_color``-style shorthand and its
subplot grid), and the checking moves to the tests, which pass every chart through
``plotly.graph_objects.Figure`` (``tests/experiments/test_report.py``).
"""

from __future__ import annotations

import functools
import json
import pkgutil
from typing import Any

__all__ = ["Figure", "expand", "merge", "subplots", "template"]

#: Plotly's property names that contain an underscore; every other underscore in a keyword is a path, as in
#: Plotly (``error_y_color`` is ``error_y.color``).
_NAMES = frozenset({"copy_ystyle", "copy_zstyle", "error_x", "error_y", "error_z", "paper_bgcolor", "plot_bgcolor"})


def _path(key: str) -> list[str]:
    """The property path a keyword names: ``marker_line_width`` is ``marker.line.width``.

    >>> _path("marker_line_width"), _path("error_y_color"), _path("plot_bgcolor"), _path("x")
    (['marker', 'line', 'width'], ['error_y', 'color'], ['plot_bgcolor'], ['x'])
    """
    parts, path = key.split("_"), []
    while parts:
        size = next((n for n in range(len(parts), 1, -1) if "_".join(parts[:n]) in _NAMES), 1)
        path.append("_".join(parts[:size]))
        parts = parts[size:]
    return path


def expand(props: dict) -> dict:
    """Plotly's shorthand spelled out: ``marker_color=c`` is ``marker={"color": c}``, in nested dicts and lists
    too; a title given as text is ``{"text": ...}`` and a colour scale's name the scale itself, as Plotly's graph
    objects spell them (plotly.js reads no other kind of title, and its own scales of the same names differ from
    Plotly's: some run the other way).

    >>> expand({"marker_color": "red", "marker": {"line_width": 2}, "error_x": {"type": "data"}, "xaxis_title": "t"})
    {'marker': {'color': 'red', 'line': {'width': 2}}, 'error_x': {'type': 'data'}, 'xaxis': {'title': {'text': 't'}}}
    """
    out: dict = {}
    for key, value in props.items():
        value = _expand_value(value)
        path = _path(key)
        if path[-1] == "title" and isinstance(value, str):
            value = {"text": value}
        elif path[-1] == "colorscale" and isinstance(value, str):  # plotly.js's scales of the same name differ
            value = [list(step) for step in _colorscale(value)]  # a list of its own: the cached scale stays as is
        node = out
        for part in path[:-1]:
            node = node.setdefault(part, {})
        if isinstance(value, dict) and isinstance(node.get(path[-1]), dict):
            merge(node[path[-1]], value)
        else:
            node[path[-1]] = value
    return out


@functools.cache
def _colorscale(name: str) -> tuple:
    """A named Plotly colour scale (``"PuOr"``, ``"Viridis_r"``) as the ``(position, colour)`` steps it stands for."""
    from plotly.colors import get_colorscale

    return tuple(tuple(step) for step in get_colorscale(name))


def _expand_value(value: Any) -> Any:
    if isinstance(value, dict):
        return expand(value)
    if isinstance(value, list | tuple) and value and all(isinstance(v, dict) for v in value):
        return [expand(v) for v in value]
    return value


def merge(target: dict, update: dict) -> dict:
    """Copy ``update`` into ``target`` (nested dicts merged, everything else replaced; ``None`` removes the
    property, as in Plotly) and return ``target``.

    >>> merge({"a": {"b": 1, "c": 2}, "e": 5}, {"a": {"c": 3}, "d": 4, "e": None})
    {'a': {'b': 1, 'c': 3}, 'd': 4}
    """
    for key, value in update.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict) and isinstance(target.get(key), dict):
            merge(target[key], value)
        else:
            target[key] = value
    return target


def _set(props: dict) -> dict:
    """``props`` without the properties given as ``None`` (Plotly leaves those unset)."""
    return {k: _set(v) if isinstance(v, dict) else v for k, v in props.items() if v is not None}


class Figure:
    """A Plotly figure being built: ``data`` (traces) and ``layout``, plain dicts all the way down.

    >>> fig = Figure()
    >>> fig.add_bar(x=[1], y=[2], marker_color="#000")
    >>> fig.update_layout(height=300, legend_font_size=15)
    >>> fig.update_xaxes(range=[0, 1])
    >>> fig.data, fig.layout
    ([{'type': 'bar', 'x': [1], 'y': [2], 'marker': {'color': '#000'}}], {'height': 300, 'legend': {'font': \
{'size': 15}}, 'xaxis': {'range': [0, 1]}})
    >>> fig.to_dict()["layout"]["template"]["layout"]["colorway"][0]  # Plotly's default template, spelled out
    '#636efa'
    """

    def __init__(self, data: list[dict] | None = None, layout: dict | None = None) -> None:
        self.data: list[dict] = [_set(expand(trace)) for trace in data or []]
        self.layout: dict = _set(expand(layout or {}))
        self._grid: dict[tuple[int, int], int] = {(1, 1): 1}  # (row, col) -> the subplot's axis number

    # Traces.
    def add_trace(self, trace: dict, row: int | None = None, col: int | None = None) -> None:
        """Add a trace (a dict with its ``type``); with ``row`` and ``col``, on that subplot's axes."""
        trace = _set(expand(trace))
        if row is not None:
            trace["xaxis"], trace["yaxis"] = self.axis_refs(row, col or 1)
        self.data.append(trace)

    def add_scatter(self, row: int | None = None, col: int | None = None, **props: Any) -> None:
        self.add_trace({"type": "scatter", **props}, row, col)

    def add_bar(self, row: int | None = None, col: int | None = None, **props: Any) -> None:
        self.add_trace({"type": "bar", **props}, row, col)

    def add_box(self, row: int | None = None, col: int | None = None, **props: Any) -> None:
        self.add_trace({"type": "box", **props}, row, col)

    def add_heatmap(self, row: int | None = None, col: int | None = None, **props: Any) -> None:
        self.add_trace({"type": "heatmap", **props}, row, col)

    # Layout.
    def add_annotation(self, **props: Any) -> None:
        """Add an annotation (Plotly's properties, ``xref="paper"`` and the like)."""
        self.annotations.append(_set(expand(props)))

    def update_layout(self, update: dict | None = None, **props: Any) -> None:
        """Merge ``update`` and ``props`` into the layout (nested dicts merged, lists replaced)."""
        merge(self.layout, expand({**(update or {}), **props}))

    def update_xaxes(self, update: dict | None = None, row: int | None = None, col: int | None = None,
                     **props: Any) -> None:  # fmt: skip
        """Merge into the x axis of subplot ``row``, ``col``, or into every x axis when neither is given."""
        self._update_axes("x", update, row, col, props)

    def update_yaxes(self, update: dict | None = None, row: int | None = None, col: int | None = None,
                     **props: Any) -> None:  # fmt: skip
        """Merge into the y axis of subplot ``row``, ``col``, or into every y axis when neither is given."""
        self._update_axes("y", update, row, col, props)

    def _update_axes(self, letter: str, update: dict | None, row: int | None, col: int | None, props: dict) -> None:
        change = expand({**(update or {}), **props})
        every = row is None and col is None
        for number in sorted(set(self._grid.values())) if every else [self._grid[(row or 1, col or 1)]]:
            merge(self.layout.setdefault(_axis(letter, number), {}), change)

    # Subplots.
    def axis_refs(self, row: int, col: int) -> tuple[str, str]:
        """The ``("x3", "y3")``-style references of subplot ``row``, ``col``."""
        number = self._grid[(row, col)]
        suffix = "" if number == 1 else str(number)
        return f"x{suffix}", f"y{suffix}"

    def domain(self, row: int, col: int, letter: str = "x") -> list[float]:
        """The subplot's ``[start, end]`` along its x (or y) axis, in paper coordinates."""
        return self.layout[_axis(letter, self._grid[(row, col)])]["domain"]

    @property
    def annotations(self) -> list[dict]:
        """The layout's annotations (a list kept in the layout, so appending to it adds one)."""
        return self.layout.setdefault("annotations", [])

    def to_dict(self) -> dict:
        """The figure as plotly.js reads it: its template (Plotly's default unless named) spelled out."""
        name = self.layout.get("template")
        if not isinstance(name, dict):
            layout = {**self.layout, "template": template(name or _default_template())}
            return {"data": self.data, "layout": layout}
        return {"data": self.data, "layout": self.layout}


def _default_template() -> str:
    import plotly.io as pio

    return str(pio.templates.default)


@functools.cache
def template(name: str) -> dict:
    """Plotly's template ``name`` as JSON, read from the file Plotly ships (building the template object, as
    ``plotly.io.templates[name]`` does, takes 60 ms); from ``plotly.io.templates`` when there is no such file."""
    try:
        return json.loads(pkgutil.get_data("plotly", f"package_data/templates/{name}.json") or b"")
    except (OSError, ValueError):
        import plotly.io as pio

        return pio.templates[name].to_plotly_json()


def _axis(letter: str, number: int) -> str:
    return f"{letter}axis" if number == 1 else f"{letter}axis{number}"


def subplots(rows: int, cols: int = 1, *, specs: list[list[dict | None]] | None = None,
             column_widths: list[float] | None = None, subplot_titles: list[str] | tuple[str, ...] | None = (),
             vertical_spacing: float | None = None, horizontal_spacing: float | None = None) -> Figure:  # fmt: skip
    """A figure with a grid of subplots laid out as ``plotly.subplots.make_subplots`` lays them out.

    Row 1 is at the top; subplots are numbered row by row (``x``/``y``, ``x2``/``y2``, ...), a ``None`` cell
    of ``specs`` is skipped and ``{"rowspan": r}`` stretches a cell over ``r`` rows. Titles go over their
    subplots in the same order, as annotations.

    >>> fig = subplots(2, 1, subplot_titles=["a", "b"], vertical_spacing=0.1)
    >>> fig.layout["yaxis"]["domain"], fig.layout["yaxis2"]["domain"], fig.axis_refs(2, 1)
    ([0.55, 1.0], [0.0, 0.45], ('x2', 'y2'))
    """
    specs = specs or [[{} for _ in range(cols)] for _ in range(rows)]
    horizontal = 0.2 / cols if horizontal_spacing is None else horizontal_spacing
    vertical = (0.5 if subplot_titles else 0.3) / rows if vertical_spacing is None else vertical_spacing
    widths = column_widths or [1.0] * cols
    width = (1.0 - horizontal * (cols - 1)) / sum(widths)
    height = (1.0 - vertical * (rows - 1)) / rows
    starts = [sum(w * width + horizontal for w in widths[:c]) for c in range(cols)]
    fig = Figure()
    fig._grid = {}
    layout, titles, number = fig.layout, list(subplot_titles or ()), 0
    for r in range(rows):
        for c in range(cols):
            spec = specs[r][c]
            if spec is None:
                continue
            number += 1
            fig._grid[(r + 1, c + 1)] = number
            span = spec.get("rowspan", 1)
            x = [starts[c], starts[c] + widths[c] * width]
            top = 1.0 - r * (height + vertical)
            y = [top - span * height - (span - 1) * vertical, top]
            x, y = [_round(v) for v in x], [_round(v) for v in y]
            suffix = "" if number == 1 else str(number)
            layout[_axis("x", number)] = {"anchor": f"y{suffix}", "domain": x}
            layout[_axis("y", number)] = {"anchor": f"x{suffix}", "domain": y}
            if number <= len(titles):
                fig.annotations.append({
                    "text": titles[number - 1], "x": (x[0] + x[1]) / 2, "y": y[1], "xref": "paper", "yref": "paper",
                    "xanchor": "center", "yanchor": "bottom", "showarrow": False, "font": {"size": 16},
                })  # fmt: skip
    return fig


def _round(value: float) -> float:
    """Clear the last bits rounding leaves (``0.45000000000000007``), as Plotly does."""
    return round(value, 12) + 0.0  # and no -0.0
