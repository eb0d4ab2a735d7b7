"""What a run prints: a progress line while it works and a summary table at the end."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TextIO

from negsim.sim.spec import RunSpec

__all__ = ["Progress", "format_summary"]


class Progress:
    """Work done / total with time left, on stderr.

    On a terminal, one line that rewrites itself; elsewhere (a log file, a cluster job's output), a new line
    each time another tenth of the work is done, so logs stay readable. Stays silent for work that ends
    within ``quiet_for`` seconds.
    """

    def __init__(self, label: str, *, stream: TextIO | None = None, quiet_for: float = 1.0,
                 unit: str = "round") -> None:  # fmt: skip
        self.label = label
        self.unit = unit
        self.stream = stream or sys.stderr
        self.quiet_for = quiet_for
        self.start = time.perf_counter()
        self.shown = False
        isatty = getattr(self.stream, "isatty", None)
        self.terminal = bool(isatty and isatty())
        self.tenths = -1

    def __call__(self, done: int, total: int) -> None:
        elapsed = time.perf_counter() - self.start
        if elapsed < self.quiet_for and (done < total or not self.shown):
            return
        tenths = 10 * done // max(total, 1)
        if not self.terminal and tenths == self.tenths and done < total:
            return
        self.tenths = tenths
        left = elapsed / max(done, 1) * (total - done)
        count = f"{self.unit} {done}/{total}" if self.unit == "round" else f"{done:,}/{total:,} {self.unit}"
        line = f"{self.label}: {count}, {elapsed:.1f} s elapsed, ~{left:.1f} s left"
        if self.terminal:
            self.stream.write(f"\r{line}" + ("\n" if done >= total else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()
        self.shown = True


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:5.1f}%"


def format_summary(run: RunSpec, summary: dict, folder: str) -> str:
    """A readable table of a run's summary; ``folder`` is the run folder (relative to the working directory)."""
    scenario = run.scenario
    rate = summary["agreement_rate"]
    lines = [
        f"negsim · {scenario.title}",
        f"scenario {scenario.name} · protocol {run.protocol.name} · seed {run.seed} · "
        f"{run.replications:,} replications · deadline {scenario.deadline} rounds",
        "",
        f"{'outcome':<14}{'share':>8}",
    ]
    for name, share in summary["outcome_shares"].items():
        extra = f"   95% interval {_pct(rate['low'])} – {_pct(rate['high'])}" if name == "agreement" else ""
        lines.append(f"{name:<14}{_pct(share):>8}{extra}")
    spread = summary.get("parameters")
    if spread is not None:
        rate_over = spread["agreement_rate"]
        lines += [
            "",
            f"{len(spread['uncertain'])} uncertain values, {spread['draws']:,} parameter draws: the chance of a deal "
            f"is {_pct(rate_over['low']).strip()} – {_pct(rate_over['high']).strip()} in 90% of draws (median "
            f"{_pct(rate_over['median']).strip()}; each draw's own rate over its "
            f"{spread['replications_per_draw']:.0f} replications, chance included: "
            f"{_pct(rate_over['observed']['p05']).strip()} – {_pct(rate_over['observed']['p95']).strip()})",
        ]
        if spread["explained"] is not None:
            lines.append(f"the uncertain values explain {_pct(spread['explained']).strip()} of the variation in "
                         "agreement; the rest is chance within a draw")  # fmt: skip
        if spread["knife_edge"]:
            lines.append(f"knife-edge: in {_pct(spread['never_agree']).strip()} of draws a deal is almost impossible "
                         f"(chance below 10%), in {_pct(spread['always_agree']).strip()} almost certain (above 90%); "
                         "negsim-sensitivity shows which values decide it")  # fmt: skip
    to_agree = summary["mean_rounds_to_agreement"]
    lines += ["", f"mean rounds {summary['mean_rounds']:.1f}" + (f" (to agreement {to_agree:.1f})" if to_agree else "")]
    lines += ["", f"{'agreed terms (mean)':<24}{'value':>7}  scale"]
    for issue in scenario.issues:
        value = summary["mean_terms"][issue.name]
        shown = "—" if value is None else f"{value:.3f}"
        lines.append(f"{issue.name:<24}{shown:>7}  {issue.low:g} {issue.low_label} … {issue.high:g} {issue.high_label}")
    lines += ["", f"{'utility (mean)':<24}{'value':>7}  reservation"]
    for actor in scenario.actors:
        lines.append(f"{actor.label:<24}{summary['mean_utility'][actor.name]:>7.3f}  {actor.reservation:.3f}")
    files = "summary.json, results.parquet, rounds.parquet, config.yaml"
    if (Path(folder) / "report.html").is_file():  # written unless report=false
        files += ", report.html"
    lines += ["", f"files in {folder}: {files}"]
    return "\n".join(lines)
