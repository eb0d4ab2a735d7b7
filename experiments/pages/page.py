"""Self-contained HTML pages of Plotly figures that open offline, plotly.js embedded once.

Every page has the same frame: a title and its question, a toolbar (projector mode, print), links to its
sections, the sections in order, and a glossary of the terms its sentences use. Identical inputs give
byte-identical pages: every chart gets a fixed id.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from negsim.experiments.pages.assets import SCRIPT, STYLE
from negsim.experiments.pages.figure import Figure
from negsim.experiments.pages.glossary import Glossary
from negsim.experiments.run.files import write_atomic

__all__ = [
    "CHART_LAYOUT",
    "CONFIG",
    "OUTCOMES",
    "OUTCOME_STYLE",
    "PALETTE",
    "Section",
    "actor_colours",
    "legend_above",
    "outcome_marker",
    "reading_list",
    "run_box",
    "write_page",
]

#: Plotly layout shared by every chart: plain background, type of at least 14 px for laptops and projectors.
CHART_LAYOUT = {
    "template": "plotly_white", "font": {"size": 15, "color": "#1b1b1b"}, "hoverlabel": {"font": {"size": 15}},
    "legend": {"font": {"size": 15}},
}  # fmt: skip
#: Plotly's options for every chart: download as PNG stays; nothing that uploads to a cloud service.
CONFIG = {
    "displaylogo": False, "responsive": True, "showSendToCloud": False,
    "modeBarButtonsToRemove": ["sendDataToCloud", "editInChartStudio", "lasso2d", "select2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}  # fmt: skip
#: Okabe–Ito colour-blind-safe palette (Okabe and Ito, 2008), black last: parties' colours, and only theirs.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
OUTCOMES = ("agreement", "breakdown", "stalemate", "escalation")
#: Outcomes in greys with patterns on every page, so they never borrow a party's colour.
OUTCOME_STYLE = {
    "agreement": ("#1b1b1b", ""),
    "breakdown": ("#8c8c8c", "/"),
    "stalemate": ("#c8c8c8", "."),
    "escalation": ("#555555", "x"),
}


@dataclass(frozen=True, slots=True)
class Section:
    """A heading, a paragraph of plain text, trusted HTML, figures, then more trusted HTML.

    ``heading`` and ``text`` are escaped (``text``'s terms glossed); ``html`` and ``after`` are inserted as
    they are, so build them with :func:`html.escape` (or a :class:`Glossary`) around anything from a file.
    """

    heading: str
    text: str = ""
    figures: tuple[go.Figure | Figure, ...] = ()
    html: str = ""
    figure_ids: tuple[str, ...] = field(default=())
    after: str = ""
    anchor: str = ""
    kind: str = ""  # a CSS class for the section, such as "run-box"


def actor_colours(names: list[str] | tuple[str, ...]) -> dict[str, str]:
    """One palette colour per actor, in scenario order, the same on every chart."""
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}


def outcome_marker(outcome: str) -> dict:
    """A bar marker in the outcome's grey and pattern.

    >>> outcome_marker("breakdown")["pattern"]["shape"]
    '/'
    """
    colour, pattern = OUTCOME_STYLE[outcome]
    return {"color": colour, "pattern": {"shape": pattern, "fgcolor": "#1b1b1b"}, "line": {"color": "#1b1b1b"}}


def legend_above(fig: go.Figure | Figure, gap: int = 30) -> None:
    """Put the legend ``gap`` pixels above the plot area (clear of the subplot titles there).

    In paper coordinates, so Plotly widens the top margin to fit however many rows the legend wraps into
    at the page's width (a projector, a laptop, a printed page). Call it once the height and margins are set.
    """
    layout = fig.layout if isinstance(fig, Figure) else fig.layout.to_plotly_json()
    plot = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"]
    fig.update_layout(legend={"orientation": "h", "x": 0, "xanchor": "left", "y": 1 + gap / plot, "yanchor": "bottom",
                              "yref": "paper"})  # fmt: skip


def run_box(facts: list[str], command: str, *, after: str = "", heading: str = "What was run") -> Section:
    """The box every page opens with: what was run (``facts``, trusted HTML), then ``after`` (trusted HTML, such
    as what changed), then the command that runs it again.

    >>> run_box(["Scenario <b>baseline</b>"], "negsim seed=0").html.split("</p>")[-1]
    '<code class="command">negsim seed=0</code>'
    """
    body = ("<ul>" + "".join(f"<li>{fact}</li>" for fact in facts) + f"</ul>{after}<p>To run it again (from the "
            f'folder you ran it in):</p><code class="command">{html.escape(command)}</code>')  # fmt: skip
    return Section(heading=heading, html=body, anchor="what-was-run", kind="run-box")


def reading_list(tips: list[str], glossary: Glossary, *, heading: str = "How to read this page") -> Section:
    """A short guide for a student meeting the page for the first time: ``tips`` (plain text), terms glossed."""
    glossary.section()
    items = "".join(f"<li>{glossary.gloss(tip)}</li>" for tip in tips)
    return Section(heading=heading, html=f"<ul>{items}</ul>", anchor="how-to-read")


def _anchor(section: Section, index: int) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", section.heading.lower()).strip("-")
    return section.anchor or f"s{index}-{slug[:40]}"


def _figure_html(figure: go.Figure | Figure, div_id: str) -> str:
    """A chart's ``<div>`` and the script that draws it; a :class:`Figure` was checked by the tests, not here."""
    if isinstance(figure, Figure):
        body = pio.to_html(figure.to_dict(), full_html=False, include_plotlyjs=False, config=CONFIG, div_id=div_id,
                           validate=False)  # fmt: skip
    else:
        body = pio.to_html(figure, full_html=False, include_plotlyjs=False, config=CONFIG, div_id=div_id)
    return f'<figure class="chart">{body}</figure>'


def _section_html(section: Section, anchor: str, glossary: Glossary | None) -> list[str]:
    kind = f' class="{section.kind}"' if section.kind else ""
    parts = [f'<section id="{anchor}"{kind}><h2>{html.escape(section.heading)}</h2>']
    if section.text:
        parts.append(f"<p>{glossary.gloss(section.text) if glossary else html.escape(section.text)}</p>")
    parts.append(section.html)
    ids = section.figure_ids or tuple(f"negsim-{anchor}-{i}" for i in range(len(section.figures)))
    parts.extend(_figure_html(figure, div_id) for figure, div_id in zip(section.figures, ids, strict=True))
    parts += [section.after, "</section>"]
    return parts


def write_page(path: Path, *, title: str, lead: str, sections: list[Section], script: str = "",
               glossary: Glossary | None = None) -> Path:  # fmt: skip
    """Write one offline page: plotly.js inline once, the toolbar and contents, then each section in order.

    Args:
        path: where to write (atomically).
        title: page title (escaped).
        lead: one line under the title (escaped).
        sections: the content; each is linked from the contents line.
        script: trusted JavaScript run after the figures exist.
        glossary: glosses each section's ``text`` and ends the page with the definitions of the terms used.
    """
    anchors = [_anchor(section, i) for i, section in enumerate(sections)]
    body = []
    for section, anchor in zip(sections, anchors, strict=True):
        if glossary:
            glossary.section()
        body += _section_html(section, anchor, glossary)
    if glossary and glossary.used:
        anchors.append("glossary")
        sections = [*sections, Section("Words used on this page", anchor="glossary")]
        body.append('<section id="glossary"><h2>Words used on this page</h2><p class="note">Hover over (or tab to) '
                    f"an underlined word anywhere on the page to see its definition.</p>{glossary.html()}</section>")
    toc = " ".join(f'<a href="#{a}">{html.escape(s.heading)}</a>' for s, a in zip(sections, anchors, strict=True))
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{STYLE}</style>",
        f'<script type="text/javascript">{get_plotlyjs()}</script></head><body>',
        f"<h1>{html.escape(title)}</h1>", f'<p class="lead">{html.escape(lead)}</p>',
        '<div class="toolbar"><button type="button" id="negsim-projector" aria-pressed="false" title="Use the whole '
        'width of the screen, with larger type">Projector mode</button><button type="button" id="negsim-print">'
        "Print or save as PDF</button></div>",
        f'<nav class="toc" aria-label="On this page">On this page: {toc}</nav>', *body,
        f"<script>const NEGSIM_CONFIG = {json.dumps(CONFIG, sort_keys=True)};{SCRIPT}</script>",
    ]  # fmt: skip
    if script:
        parts.append(f"<script>{script}</script>")
    parts.append("</body></html>")
    text = "\n".join(parts)
    write_atomic(path, lambda p: p.write_text(text, encoding="utf-8"))
    return path
