"""Report part 1, who wants what: the ideal-points chart and one card per actor with its evidence."""

from __future__ import annotations

from negsim.experiments.pages.figure import Figure
from negsim.experiments.pages.glossary import Glossary
from negsim.experiments.pages.page import Section
from negsim.experiments.report.common import (
    REFERENCE_WORDS,
    REFERENCES,
    ReportData,
    esc,
    evidence_text,
    issue_strips,
    legend_above,
    quote_text,
    red_line_segments,
    wrap,
)
from negsim.sim.spec import ActorSpec, IssueSpec

__all__ = ["actors_sections", "ideal_points_figure", "range_words", "red_line_words", "value_words"]

_CSS = """<style>
.card h3 { margin: .1rem 0 .3rem; font-size: 1.2rem; }
.card .tag { font-size: .9rem; color: #555; font-weight: normal; } .card .profile { margin: .2rem 0 .6rem; }
.quote { color: #444; font-size: .88rem; font-style: italic; margin: .1rem 0; }
.cards { grid-template-columns: repeat(auto-fit, minmax(400px, 1fr)); }
.issue { margin: .55rem 0 .2rem; padding-top: .35rem; border-top: 1px solid #eee; }
.issue b { font-size: .98rem; } .scale { display: block; width: 100%; height: auto; margin: .15rem 0 0; }
.ends { display: flex; justify-content: space-between; gap: 1rem; font-size: .88rem; color: #555; }
.ends span:last-child { text-align: right; }
</style>"""


def value_words(value: float, issue: IssueSpec) -> str:
    """A value on ``issue``'s scale, naming the end of the scale it sits on.

    >>> from negsim.sim.spec import IssueSpec
    >>> value_words(0.0, IssueSpec(name="t", label="Territory", low_label="None", high_label="All"))
    '0.00 (None)'
    """
    ends = {issue.low: issue.low_label, issue.high: issue.high_label}
    return f"{value:.2f}" + (f" ({ends[value]})" if value in ends else "")


def range_words(low: float, high: float, issue: IssueSpec) -> str:
    """The range ``[low, high]`` of ``issue`` in words, naming an end of the scale by its label.

    >>> from negsim.sim.spec import IssueSpec
    >>> range_words(0.0, 0.3, IssueSpec(name="t", label="Timing", low_label="Late", high_label="Now"))
    'at most 0.30'
    >>> range_words(0.5, 1.0, IssueSpec(name="t", label="Timing", low_label="Late", high_label="Now"))
    'at least 0.50'
    """

    def value(v: float) -> str:
        return value_words(v, issue)

    if low > issue.low and high < issue.high:
        return f"between {value(low)} and {value(high)}" if low < high else f"exactly {value(low)}"
    if low > issue.low:
        return f"at least {value(low)}"
    if high < issue.high:
        return f"at most {value(high)}"
    return ""


def red_line_words(actor: ActorSpec, k: int, issue: IssueSpec) -> str:
    """``actor``'s red line on issue ``k`` in words (plain text), or ``""`` without one."""
    return range_words(actor.red_low[k], actor.red_high[k], issue)


def _actor_traces(data: ReportData, fig: Figure) -> None:
    for k, issue in enumerate(data.scenario.issues):
        for lane, actor in enumerate(data.scenario.actors):
            colour, first = data.colours[actor.name], k == 0
            xs = red_line_segments(actor, k, issue)
            if xs:
                fig.add_scatter(
                    x=xs, y=[lane if x is not None else None for x in xs], mode="lines", opacity=0.3,
                    line={"color": colour, "width": 12}, name="red line (excluded part of the scale)",
                    legendgroup="red", showlegend=False, hoverinfo="text",
                    hovertext=esc(f"{actor.label}: red line, {red_line_words(actor, k, issue)} (a limit it never "
                                  "accepts a deal beyond)"), row=k + 1, col=1,
                )  # fmt: skip
            quote = wrap(evidence_text(actor, f"ideal.{issue.name}"), 60)
            fig.add_scatter(
                x=[actor.ideal[k]], y=[lane], mode="markers", name=esc(actor.label), legendgroup=actor.name,
                showlegend=first, marker={"color": colour, "size": 12 + 36 * actor.salience[k], "line_width": 1},
                hoverinfo="text", hovertext=f"<b>{esc(actor.label)}</b>: ideal {actor.ideal[k]:.2f}, salience "
                f"{actor.salience[k]:.0%} (its share of the party's attention)<br>{quote}",
                row=k + 1, col=1,
            )  # fmt: skip


def _reference_traces(data: ReportData, fig: Figure) -> None:
    lanes = len(data.scenario.actors)
    for key, (name, dash, _) in REFERENCES.items():
        package = data.summary["references"].get(key)
        if package is None:
            continue
        for k, issue in enumerate(data.scenario.issues):
            value = package[issue.name]
            fig.add_scatter(
                x=[value, value], y=[-0.5, lanes - 0.5], mode="lines", name=name, legendgroup=key,
                showlegend=k == 0, line={"color": "#1b1b1b", "dash": dash, "width": 2.5},
                hovertemplate=f"{name}: {value:.2f}<br>{REFERENCE_WORDS[key]}<extra></extra>", row=k + 1, col=1,
            )  # fmt: skip


def _zone_traces(data: ReportData, fig: Figure) -> None:
    """The zone of possible agreement on each issue: the values some package worth no deal to every veto party takes."""
    zone, lanes = data.summary.get("zopa") or {}, len(data.scenario.actors)
    if not zone.get("exists"):
        return
    name = "zone of possible agreement"
    for k, issue in enumerate(data.scenario.issues):
        low, high = zone["range"][issue.name]
        width = max(high - low, issue.span * 0.004)  # a zone of one value still shows, as a thin band
        low, high = (low + high - width) / 2 if high - low < width else low, max(high, low + width)
        fig.add_scatter(
            x=[low, high, high, low, low], y=[-0.5, -0.5, lanes - 0.5, lanes - 0.5, -0.5], mode="lines", fill="toself",
            fillcolor="rgba(0, 0, 0, 0.08)", line={"width": 0}, name=name, legendgroup="zone", showlegend=k == 0,
            hoverinfo="text", hovertext=esc(f"{name} on {issue.label}: {zone['range'][issue.name][0]:.2f} to "
                                            f"{zone['range'][issue.name][1]:.2f}") + "<br>the values packages take "
                                            "that every veto party could accept", row=k + 1, col=1,
        )  # fmt: skip


def ideal_points_figure(data: ReportData) -> Figure:
    """Every actor's ideal point on every issue (marker size = salience), red lines, the zone and references."""
    fig = issue_strips(data)
    _zone_traces(data, fig)
    _actor_traces(data, fig)
    _reference_traces(data, fig)
    fig.add_scatter(x=[None], y=[None], mode="lines", line={"color": "#777", "width": 12}, opacity=0.3,
                    name="red line (excluded part of the scale)", legendgroup="red")  # fmt: skip
    fig.update_layout(margin={"t": 110})
    legend_above(fig)
    return fig


def _scale_svg(actor: ActorSpec, k: int, issue: IssueSpec, colour: str) -> str:
    """A small inline scale: excluded parts shaded, the ideal as a dot sized by salience."""

    def x(v: float) -> float:
        return 8 + 284 * (v - issue.low) / issue.span

    xs = red_line_segments(actor, k, issue)
    shaded = "".join(
        f'<rect x="{x(a):.1f}" y="9" width="{max(x(b) - x(a), 2):.1f}" height="8" fill="{colour}" opacity=".3"/>'
        for a, b in zip(xs[0::3], xs[1::3], strict=True)
    )
    radius = 4 + 8 * actor.salience[k]
    return (
        f'<svg class="scale" viewBox="0 0 300 26" role="img" aria-label="ideal {actor.ideal[k]:.2f}">'
        f'<line x1="8" y1="13" x2="292" y2="13" stroke="#999" '
        f'stroke-width="2"/>{shaded}<circle cx="{x(actor.ideal[k]):.1f}" cy="13" r="{radius:.1f}" fill="{colour}" '
        f'stroke="#1b1b1b" stroke-width="1"/></svg>'
    )


def _issue_block(actor: ActorSpec, k: int, issue: IssueSpec, colour: str) -> str:
    red = red_line_words(actor, k, issue)
    facts = f"ideal {actor.ideal[k]:.2f} · salience {actor.salience[k]:.0%}" + (f" · red line {red}" if red else "")
    quotes = [f'<p class="quote">ideal: {esc(evidence_text(actor, f"ideal.{issue.name}"))}</p>']
    if red:
        quotes.append(f'<p class="quote">red line: {esc(evidence_text(actor, f"red_lines.{issue.name}"))}</p>')
    return (
        f'<div class="issue"><b>{esc(issue.label)}</b><br>{esc(facts)}{_scale_svg(actor, k, issue, colour)}'
        f'<div class="ends"><span>{esc(issue.low_label)}</span><span>{esc(issue.high_label)}</span></div>'
        + "".join(quotes)
        + "</div>"
    )


def _card(data: ReportData, actor: ActorSpec, glossary: Glossary) -> str:
    colour = data.colours[actor.name]
    tag = glossary.gloss("veto party") if actor.veto else "no " + glossary.gloss("veto")
    profile = (
        f"capability {actor.capability:.2f} · {actor.style} concession style · stubbornness "
        f"{actor.stubbornness:.2f} · discount {actor.discount:.2f} per round · reservation value (what no deal is "
        f"worth to it) {actor.reservation:.2f}"
    )
    issues = "".join(_issue_block(actor, k, issue, colour) for k, issue in enumerate(data.scenario.issues))
    return (
        f'<article class="card" style="--c:{colour}"><h3 style="color:{colour}">{esc(actor.label)} '
        f'<span class="tag">({tag})</span></h3><p class="profile">{glossary.gloss(profile)}</p>'
        f'<p class="quote">{esc(evidence_text(actor, "profile"))}</p>{issues}</article>'
    )


def _linkages_html(data: ReportData) -> str:
    items = []
    for link in data.scenario.linkages:
        actor = data.scenario.actors[data.scenario.actor_index(link.actor)]
        issue = data.scenario.issues[data.scenario.issue_index(link.issue)]
        when = data.scenario.issues[data.scenario.issue_index(link.when_issue)]
        text = (
            f"{actor.label} accepts “{issue.label}” only {range_words(link.low, link.high, issue)}, unless "
            f"“{when.label}” is {range_words(link.when_low, link.when_high, when)}"
        )
        items.append(f'<li>{esc(text)}. <span class="quote">{esc(quote_text(link.evidence))}</span></li>')
    return f"<h3>Linked issues</h3><ul>{''.join(items)}</ul>" if items else ""


def actors_sections(data: ReportData, glossary: Glossary | None = None) -> list[Section]:
    """Two sections: the overview chart, then the cards with every value's evidence."""
    glossary = glossary or Glossary()
    overview = Section(
        heading="Who wants what",
        text="Each row is one issue on its own scale; each lane one party. A dot is the party's ideal point "
        "(bigger: more salience, it cares more), a shaded band the part of the scale its red line rules out, and "
        "the grey area the zone of possible agreement. The black lines are reference packages: the compromise, "
        "the weighted median, the Nash bargaining solution and the weighted Nash (hover over a line for what it is).",
        figures=(ideal_points_figure(data),),
        figure_ids=("negsim-ideals",),
    )
    glossary.section()
    cards = "".join(_card(data, actor, glossary) for actor in data.scenario.actors)
    parties = Section(
        heading="The parties, one by one",
        text="Every value comes with the sentence of the source document behind it, or the modeller's judgment.",
        html=f'{_CSS}<div class="cards">{cards}</div>{_linkages_html(data)}',
    )
    return [overview, parties]
