"""The words the pages use, defined for a student: hover definitions where a term appears, and a glossary list.

:func:`gloss` escapes a plain-text sentence and marks the first use of each glossary term in it with its
definition (shown on hover and on keyboard focus); :func:`glossary_html` lists the definitions.
"""

from __future__ import annotations

import html
import re

__all__ = ["DEFINITIONS", "Glossary"]

#: Term -> (definition, the phrases that name it in a sentence, as regular expressions).
DEFINITIONS: dict[str, tuple[str, str]] = {
    "utility": (
        "How good a package is for one party, on a scale where 1 is the package it wants most. Each issue the "
        "package misses the party's ideal by costs it that distance (as a share of the issue's scale) times its "
        "salience: 1 − Σ salience × distance.",
        r"utilit(?:y|ies)|value of the terms",
    ),
    "realised utility": (
        "What a run actually gave a party: for an agreement, its reservation value plus the deal's gain over no deal, "
        "shrunk by its discount for every round of delay; without an agreement, its reservation value.",
        r"realised utilit(?:y|ies)",
    ),
    "reservation value": (
        "What no deal is worth to a party, on the same scale as utility: its walk-away point. A party with a veto "
        "never signs a deal worth less to it.",
        r"reservation values?|reservations?|what no deal is worth|no-deal value",
    ),
    "salience": (
        "How much a party cares about an issue: its share of the party's attention. A party's saliences add up to "
        "100%; on the charts a bigger dot means more salience.",
        r"salience",
    ),
    "capability": (
        "A party's clout, a share from 0 to 1: how long it can hold out when bargaining, its weight in a mediator's "
        "text and in the capability-weighted references.",
        r"capability|clout",
    ),
    "stubbornness": (
        "How firmly a party holds on to its own view when others try to influence it: 1 never moves, 0 takes its "
        "stated position entirely from those who influence it.",
        r"stubbornness",
    ),
    "discount": (
        "How much a deal's gain over no deal shrinks for each round of delay: 0.96 keeps 96% of the gain per round; "
        "1 means the party does not mind waiting.",
        r"discount(?:ed)?",
    ),
    "concession style": (
        "How fast a party with a veto lowers its demands as the deadline nears: a hardliner barely moves until the "
        "end, Boulware concedes late, linear evenly, a conceder early. 'Equilibrium' plays the offers that game "
        "theory predicts instead.",
        r"concession styles?|concession|hardliner|boulware|conceder",
    ),
    "veto party": (
        "A party whose yes is needed for any deal. Parties without a veto are asked and can sway the others, but "
        "cannot block an agreement.",
        r"veto part(?:y|ies)|veto",
    ),
    "red line": (
        "A hard limit on an issue that a party will never accept a deal beyond, whatever else it gets.",
        r"red lines?",
    ),
    "linkage": (
        "A conditional red line: a party accepts one issue beyond a limit only if another issue is settled a "
        "certain way.",
        r"linkages?|linked issues",
    ),
    "zone of possible agreement": (
        "All packages that every veto party could accept: inside all their red lines and linkages, and worth at "
        "least its reservation value to each. If there is no such package, no deal is possible.",
        r"(?:the )?zone of possible agreement|the zone",
    ),
    "compromise": (
        "A reference package: on each issue, the average of all parties' ideal points, each weighted by the "
        "party's capability × salience.",
        r"compromise",
    ),
    "weighted median": (
        "A reference package: on each issue, the point that no capability-weighted majority of the parties would "
        "pull either way.",
        r"weighted median",
    ),
    "Nash bargaining solution": (
        "A reference package from bargaining theory (Nash 1950): inside the zone of possible agreement, the package "
        "that makes the product of the veto parties' gains over no deal as large as possible.",
        r"Nash bargaining solution|Nash bargaining|Nash solution|(?<!weighted )Nash(?!, weighted)",
    ),
    "weighted Nash": (
        "The Nash bargaining solution with each veto party's gain weighted by its capability (Kalai 1977), so "
        "stronger parties get more.",
        r"weighted Nash|Nash, weighted by capability",
    ),
    "95% interval": (
        "The range the true value lies in with 95% confidence, given how many runs were simulated. It measures only "
        "the chance variation between runs, not doubt about the scenario's own numbers.",
        r"95\s?% (?:confidence )?intervals?|intervals?",
    ),
    "round": (
        "One step of the talks: demands fall, a package is tabled, every party answers, then positions move by "
        "influence.",
        r"rounds?",
    ),
    "replication": (
        "One simulated run of the whole negotiation. The runs differ only in chance events (misreadings, shocks, "
        "who proposes), so counting how they end estimates how likely each ending is.",
        r"replications?|runs?(?= (?:ended|agreed|that|of|in))",
    ),
    "package": ("A possible deal: one value on every issue.", r"packages?"),
    "stated position": (
        "What a party says it wants on an issue. Influence moves it; what the party really wants (its ideal) and "
        "its red lines do not move.",
        r"stated positions?|positions?",
    ),
    "ideal point": ("The value a party wants most on an issue.", r"ideal points?|ideals?"),
    "influence": (
        "How much one party's stated position pulls another's each round (Friedkin–Johnsen): the weight on an "
        "arrow is the share of the target's update taken from the source.",
        r"influence",
    ),
    "agreement": ("Every veto party accepted the package on the table.", r"agreements?|agreed"),
    "breakdown": (
        "The talks end before they start because no deal is possible: red lines clash, or some veto party gets "
        "more from no deal than from any package the others could accept.",
        r"breakdowns?|broke down",
    ),
    "stalemate": (
        "The deadline passed without a deal. Only possible when a party misjudges what no deal is worth to it and "
        "holds out for more than the others can give.",
        r"stalemates?|stalled",
    ),
    "escalation": (
        "A party acted alone, over another party's red line (for example deploying troops without a deal), and the "
        "talks ended.",
        r"escalations?",
    ),
    "judgment": (
        "A value the modeller chose because the source document does not give it. A sensitivity analysis draws it "
        "from a range around the chosen value, to see how much the result rests on it.",
        r"(?<!\.)(?:modeller's )?judgments?",
    ),
    "uncertain value": (
        "A value of the scenario given a range instead of one number: each parameter draw takes one value from "
        "every range, and the talks are simulated with those values.",
        r"uncertain values?|parameter draws?",
    ),
    "Sobol' index": (
        "The share of an outcome's variance over the parameter draws that goes with one uncertain value. Its "
        "first-order index counts what the value does alone; its total index adds what it does together with the "
        "others, so a total well above the first-order index means the value matters through interactions.",
        r"Sobol' ind(?:ex|ices)|total index|first-order index",
    ),
    "PRIM box": (
        "A box of value ranges found by the Patient Rule Induction Method (Friedman and Fisher, 1999), inside which "
        "the draws mostly end one way. Density: the share of the draws in the box that end that way; coverage: the "
        "share of all draws that end that way that fall in the box.",
        r"PRIM|scenario discovery",
    ),
    "misperception": (
        "A veto party overrating what no deal is worth to it, drawn once per run: it then demands more than it "
        "needs to and may hold out.",
        r"misperception|perception noise|overrated",
    ),
}


class Glossary:
    """Marks glossary terms in sentences (first use per section) and remembers which it used.

    >>> g = Glossary()
    >>> g.gloss("Each party's utility counts.").count('class="term"')
    1
    >>> sorted(g.used)
    ['utility']
    """

    def __init__(self, *, round_text: str = "") -> None:
        self.used: set[str] = set()
        self._seen: set[str] = set()
        self._round = round_text
        names = sorted(DEFINITIONS, key=lambda name: -len(DEFINITIONS[name][1]))
        self._names = names
        pattern = "|".join(f"(?P<t{i}>\\b(?:{DEFINITIONS[n][1]})\\b)" for i, n in enumerate(names))
        self._pattern = re.compile(pattern, re.IGNORECASE)

    def definition(self, name: str) -> str:
        """The definition of ``name``, with what a round stands for in this scenario."""
        text = DEFINITIONS[name][0]
        if name == "round" and self._round:
            text += f" Here one round stands for {self._round}."
        return text

    def section(self) -> None:
        """Start a new section: each term is marked again at its first use there."""
        self._seen = set()

    def gloss(self, text: str) -> str:
        """``text`` escaped, the first use of each term (in this section) marked with its definition."""

        def mark(match: re.Match) -> str:
            name = self._names[int(match.lastgroup[1:])]
            if name in self._seen:
                return match.group(0)
            self._seen.add(name)
            self.used.add(name)
            return self.term(match.group(0), name)

        escaped = html.escape(text, quote=False)
        return self._pattern.sub(mark, escaped)

    def term(self, shown: str, name: str) -> str:
        """``shown`` (already escaped) marked as the glossary term ``name``."""
        self.used.add(name)
        definition = html.escape(f"{name}: {self.definition(name)}", quote=True)
        return f'<span class="term" tabindex="0" data-def="{definition}">{shown}</span>'

    def html(self, names: list[str] | None = None) -> str:
        """The glossary list: every term used (or ``names``), in the order of :data:`DEFINITIONS`."""
        chosen = set(self.used if names is None else names)
        items = "".join(
            f"<dt>{html.escape(name)}</dt><dd>{html.escape(self.definition(name))}</dd>"
            for name in DEFINITIONS
            if name in chosen
        )
        return f'<dl class="glossary">{items}</dl>'
