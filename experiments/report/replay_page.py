"""Report parts 2 and 3 on the page: the replications to replay, their pickers and the script that draws them.

A small script swaps the replay figure when another replication or stance
issue is picked; everything runs in the browser, without a server.
"""

from __future__ import annotations

from plotly.io.json import to_json_plotly

from negsim.experiments.pages.page import Section
from negsim.experiments.report.common import OUTCOMES, ReportData, esc, quote_text
from negsim.experiments.report.replay import Replay, load_replay, no_rounds, replay_base, replay_figure, starting_replay

__all__ = ["SCRIPT", "offered_replications", "replay_section"]


def offered_replications(data: ReportData, first: int = 3) -> list[int]:
    """The logged replications to offer: the first few, plus the first to end in each other way."""
    logged = sorted(int(r) for r in data.rounds["replication"].unique())
    outcome = data.results.set_index("replication")["outcome"].astype(str)
    chosen = logged[:first]
    for kind in OUTCOMES:
        found = next((r for r in logged if outcome[r] == kind), None)
        if found is not None and found not in chosen:
            chosen.append(found)
    return sorted(chosen)


#: Draws the picked replication and shows the node trace of the picked stance issue.
SCRIPT = """
(function () {
  const store = JSON.parse(document.getElementById("negsim-replay-data").textContent);
  const div = document.getElementById("negsim-replay");
  const pickRun = document.getElementById("negsim-replication");
  const pickIssue = document.getElementById("negsim-stance");
  function stance() {
    const shown = store.nodes.map((_, k) => String(k) === pickIssue.value);
    return Plotly.restyle(div, {visible: shown}, store.nodes);
  }
  function draw() {
    const figure = JSON.parse(JSON.stringify(store.figures[pickRun.value]));
    figure.config = {displaylogo: false, responsive: true};
    return Plotly.newPlot(div, figure).then(stance);
  }
  pickRun.addEventListener("change", draw);
  pickIssue.addEventListener("change", stance);
  draw();
})();
"""

_CSS = """<style>
.controls { display: flex; flex-wrap: wrap; gap: .5rem 2rem; margin: .6rem 0; font-size: 1.05rem; }
.controls select { font-size: 1rem; padding: .2rem .4rem; margin-left: .4rem; }
</style>"""


def _option(data: ReportData, replay: Replay) -> str:
    if replay.replication < 0:
        return f'<option value="-1">starting positions ({no_rounds(data)})</option>'
    row = data.results.set_index("replication").loc[replay.replication]
    text = f"replication {replay.replication}: {row['outcome']} after {int(row['round'])} rounds"
    return f'<option value="{replay.replication}">{esc(text)}</option>'


def _edges_table(data: ReportData) -> str:
    labels = {a.name: a.label for a in data.scenario.actors}
    rows = "".join(
        f"<tr><td>{esc(labels[e.source])} → {esc(labels[e.target])}</td><td>{e.weight:.2f}</td>"
        f'<td class="quote">{esc(quote_text(e.evidence))}</td></tr>'
        for e in data.scenario.edges
    )
    head = "<tr><th>influence</th><th>weight</th><th>evidence</th></tr>"
    return f"<details><summary>Influence edges and their evidence</summary><table>{head}{rows}</table></details>"


def replay_section(data: ReportData) -> tuple[Section, str]:
    """The replay section (figures for the offered replications as JSON) and the script that draws them."""
    replays = [load_replay(data, r) for r in offered_replications(data)] or [starting_replay(data)]
    base = replay_base(data)
    nodes = base[1][-len(data.scenario.issues) :]
    figures = {str(replay.replication): replay_figure(data, replay, base) for replay in replays}
    store = to_json_plotly({"nodes": nodes, "figures": figures})  # escapes <, > and / inside strings
    issues = "".join(f'<option value="{k}">{esc(i.label)}</option>' for k, i in enumerate(data.scenario.issues))
    html = (
        f'{_CSS}<div class="controls"><label>Replication<select id="negsim-replication">'
        f"{''.join(_option(data, r) for r in replays)}</select></label><label>Network fill: stance on"
        f'<select id="negsim-stance">{issues}</select></label></div><div id="negsim-replay"></div>'
        f'<script type="application/json" id="negsim-replay-data">{store}</script>{_edges_table(data)}'
    )
    text = (
        "Press Play or drag the slider to step through the rounds. Left: each party's position on each issue "
        "when the round opened (open circle: where it started), the package on the table (black line) and its "
        "answer (★ tabled it, ● accepts, ✕ rejects). Right: who influences whom; a node's area is the party's "
        "capability, an arrow's width the weight of its influence, and its fill the party's current stance on "
        "the issue picked above."
    )
    return Section(heading="Replay: round by round, with the influence network", text=text, html=html), SCRIPT
