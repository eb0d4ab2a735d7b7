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


#: Draws the picked replication, shows the node trace of the picked stance issue, and drives Play and stepping
#: from page buttons and the keyboard (Space plays or pauses, the arrow keys step, with the chart focused).
SCRIPT = """
(function () {
  const store = JSON.parse(document.getElementById("negsim-replay-data").textContent);
  const div = document.getElementById("negsim-replay");
  const pickRun = document.getElementById("negsim-replication");
  const pickIssue = document.getElementById("negsim-stance");
  const steps = document.getElementById("negsim-replay-steps");
  const play = document.getElementById("negsim-play");
  const STEP = {mode: "immediate", frame: {duration: 0, redraw: true}, transition: {duration: 0}};
  const PLAY = {mode: "immediate", frame: {duration: 900, redraw: true}, transition: {duration: 0}};
  let current = 0, count = 0, playing = false;
  function stance() {
    const shown = store.nodes.map((_, k) => String(k) === pickIssue.value);
    return Plotly.restyle(div, {visible: shown}, store.nodes);
  }
  function setPlaying(on) {
    playing = on;
    play.textContent = on ? "\u275a\u275a Pause" : "\u25b6 Play";
    play.setAttribute("aria-pressed", on ? "true" : "false");
  }
  function show(t) {
    if (!count) return Promise.resolve();
    setPlaying(false);
    current = Math.max(0, Math.min(count - 1, t));
    return Plotly.animate(div, [String(current)], STEP).catch(() => {});
  }
  function toggle() {
    if (!count) return Promise.resolve();
    if (playing) return show(current);
    const start = current >= count - 1 ? 0 : current + 1;
    const names = [];
    for (let t = start; t < count; t++) names.push(String(t));
    setPlaying(true);
    return Plotly.animate(div, names, PLAY).catch(() => {});
  }
  function draw() {
    const figure = JSON.parse(JSON.stringify(store.figures[pickRun.value]));
    figure.config = NEGSIM_CONFIG;
    count = figure.layout.sliders ? (figure.frames || []).length : 0;
    current = 0;
    setPlaying(false);
    steps.hidden = count < 2;
    return Plotly.newPlot(div, figure).then(() => {
      div.on("plotly_animatingframe", event => { current = Number(event.name); });
      div.on("plotly_animated", () => setPlaying(false));
      div.on("plotly_animationinterrupted", () => setPlaying(false));
      div.on("plotly_sliderchange", event => {  // also fired as frames play: only a reader's drag stops the play
        current = Number(event.step.args[0][0]);
        if (event.interaction) setPlaying(false);
      });
      return stance();
    });
  }
  play.addEventListener("click", toggle);
  document.getElementById("negsim-previous").addEventListener("click", () => show(current - 1));
  document.getElementById("negsim-next").addEventListener("click", () => show(current + 1));
  div.addEventListener("keydown", event => {
    const moves = {ArrowLeft: -1, ArrowRight: 1};
    if (event.key in moves) { event.preventDefault(); show(current + moves[event.key]); }
    else if (event.key === " " || event.key === "Enter") { event.preventDefault(); toggle(); }
  });
  pickRun.addEventListener("change", draw);
  pickIssue.addEventListener("change", stance);
  window.negsimReplay = {toggle: toggle, show: show, state: () => ({current: current, count: count, playing: playing})};
  draw();
})();
"""

_CSS = """<style>
.controls { display: flex; flex-wrap: wrap; gap: .5rem 2rem; margin: .6rem 0; font-size: 1.05rem; }
.controls select { font-size: 1rem; padding: .2rem .4rem; margin-left: .4rem; }
.controls .steps { display: flex; gap: .5rem; } .controls .steps[hidden] { display: none; }
#negsim-replay:focus-visible { outline: 3px solid #E69F00; outline-offset: 2px; }
</style>"""


def _option(data: ReportData, replay: Replay) -> str:
    if replay.replication < 0:
        return '<option value="-1">starting positions only (no round to replay)</option>'
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
        f'<select id="negsim-stance">{issues}</select></label><span class="steps" id="negsim-replay-steps">'
        '<button type="button" id="negsim-previous" aria-label="previous round">◀ Previous</button>'
        '<button type="button" id="negsim-play" aria-pressed="false">▶ Play</button>'
        '<button type="button" id="negsim-next" aria-label="next round">Next ▶</button></span></div>'
        '<figure class="chart"><div id="negsim-replay" tabindex="0" role="group" aria-label="Replay of the rounds: '
        'Space plays or pauses, the arrow keys step"></div></figure>'
        f'<script type="application/json" id="negsim-replay-data">{store}</script>{_edges_table(data)}'
    )
    if replays[0].replication < 0:
        text = (
            f"There are no rounds to replay ({no_rounds(data)}). Left: each party's ideal point on each issue. Right: "
            "who influences whom; a node's area is the party's capability, an arrow's width the weight of its "
            "influence, and its fill the party's stance on the issue picked above."
        )
        return Section(heading="Replay: round by round, with the influence network", text=text, html=html), SCRIPT
    text = (
        "Press Play (or select the chart and press Space; the arrow keys step one round), or drag the slider, to "
        "step through the rounds. Left: each party's stated position on each issue "
        "when the round opened (open circle: where it started), the package on the table (black line) and its "
        "answer (★ tabled it, ● accepts, ✕ rejects). Right: who influences whom; a node's area is the party's "
        "capability, an arrow's width the weight of its influence, and its fill the party's current stance on "
        "the issue picked above."
    )
    return Section(heading="Replay: round by round, with the influence network", text=text, html=html), SCRIPT
