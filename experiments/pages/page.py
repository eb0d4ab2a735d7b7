"""Self-contained HTML pages of Plotly figures that open offline, plotly.js embedded once."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from negsim.experiments.run.files import write_atomic

__all__ = ["CHART_LAYOUT", "PALETTE", "Section", "actor_colours", "write_page"]

#: Plotly layout shared by every chart: plain background, fonts readable on a projector.
CHART_LAYOUT = {"template": "plotly_white", "font": {"size": 15}, "hoverlabel": {"font": {"size": 14}}}

#: Okabe–Ito colour-blind-safe palette (Okabe and Ito, 2008), black last.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1200px;
       padding: 1.5rem; color: #1b1b1b; line-height: 1.5; font-size: 17px; }
h1 { font-size: 1.7rem; margin-bottom: .2rem; } h2 { font-size: 1.3rem; margin-top: 2.2rem; }
p.lead { color: #444; margin-top: 0; } .note { color: #555; font-size: .92rem; }
table { border-collapse: collapse; margin: .5rem 0; font-size: .95rem; }
th, td { border-bottom: 1px solid #ddd; padding: .3rem .7rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } code { background: #f3f3f3; padding: 0 .25rem; border-radius: 3px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 1rem; }
.card { border: 1px solid #ddd; border-left: 6px solid var(--c, #888); border-radius: 6px; padding: .7rem 1rem; }
details summary { cursor: pointer; }
"""


@dataclass(frozen=True, slots=True)
class Section:
    """A heading, a paragraph of plain text, then figures and trusted HTML fragments.

    ``heading`` and ``text`` are escaped; ``html`` is inserted as is, so build
    it with :func:`html.escape` around anything that came from a config file.
    """

    heading: str
    text: str = ""
    figures: tuple[go.Figure, ...] = ()
    html: str = ""
    figure_ids: tuple[str, ...] = field(default=())


def actor_colours(names: list[str] | tuple[str, ...]) -> dict[str, str]:
    """One palette colour per actor, in scenario order, the same on every chart."""
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)}


def _figure_html(figure: go.Figure, div_id: str) -> str:
    config = {"displaylogo": False, "responsive": True}
    return pio.to_html(figure, full_html=False, include_plotlyjs=False, config=config, div_id=div_id)


def write_page(path: Path, *, title: str, lead: str, sections: list[Section], script: str = "") -> Path:
    """Write one offline page: plotly.js inline once, then each section in order.

    Args:
        path: where to write (atomically).
        title: page title (escaped).
        lead: one line under the title (escaped).
        sections: the content.
        script: trusted JavaScript run after the figures exist.
    """
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style>",
        f'<script type="text/javascript">{get_plotlyjs()}</script></head><body>',
        f"<h1>{html.escape(title)}</h1>", f'<p class="lead">{html.escape(lead)}</p>',
    ]  # fmt: skip
    for number, section in enumerate(sections):
        parts.append(f"<section><h2>{html.escape(section.heading)}</h2>")
        if section.text:
            parts.append(f"<p>{html.escape(section.text)}</p>")
        parts.append(section.html)
        ids = section.figure_ids or tuple(f"negsim-{number}-{i}" for i in range(len(section.figures)))  # not random
        parts.extend(_figure_html(figure, div_id) for figure, div_id in zip(section.figures, ids, strict=True))
        parts.append("</section>")
    if script:
        parts.append(f"<script>{script}</script>")
    parts.append("</body></html>")
    text = "\n".join(parts)
    write_atomic(path, lambda p: p.write_text(text, encoding="utf-8"))
    return path
