"""Progress lines: one rewriting line on a terminal, a line per tenth of the work in a log."""

from __future__ import annotations

import io

from negsim.experiments.run.console import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_log_gets_a_line_per_tenth_of_the_work():
    log = io.StringIO()
    progress = Progress("baseline sensitivity", stream=log, quiet_for=0.0, unit="samples")
    for done in range(1, 1001):
        progress(done, 1000)
    lines = log.getvalue().splitlines()
    assert "\r" not in log.getvalue()
    assert len(lines) == 11  # the first call, then each tenth, the last one included
    assert lines[-1].startswith("baseline sensitivity: 1,000/1,000 samples")


def test_a_terminal_gets_one_rewriting_line():
    screen = Terminal()
    progress = Progress("baseline/alternating_offers", stream=screen, quiet_for=0.0)
    for done in range(1, 25):
        progress(done, 24)
    text = screen.getvalue()
    assert text.count("\r") == 24 and text.count("\n") == 1 and text.endswith("\n")
    assert text.rsplit("\r", 1)[-1].startswith("baseline/alternating_offers: round 24/24, ")


def test_quick_work_stays_silent():
    log = io.StringIO()
    progress = Progress("quick", stream=log, quiet_for=60.0)
    for done in range(1, 11):
        progress(done, 10)
    assert log.getvalue() == ""
