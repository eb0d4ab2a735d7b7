"""What was run: the overrides a run or sweep was given, the command that reproduces it, an experiment's question.

Read from the files Hydra leaves (``.hydra/overrides.yaml`` and ``.hydra/hydra.yaml`` in a run folder,
``multirun.yaml`` in a sweep folder) and from the header comment of a named experiment's config file
(``# Question: ...``). No absolute folder path is ever part of what these functions return.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml
from hydra.core.override_parser.overrides_parser import OverridesParser

__all__ = [
    "RUN_ONLY",
    "RUN_SIZE",
    "Override",
    "changes",
    "experiment_note",
    "hydra_settings",
    "parse_overrides",
    "reproduce_command",
    "run_overrides",
]

#: Settings that change how a run reports itself, never its results: left out of "what differs".
RUN_ONLY = {"progress", "report", "rerun"}


@dataclass(frozen=True, slots=True)
class Override:
    """One command-line override: its text as typed, its key (``+`` dropped) and its value."""

    text: str
    key: str
    value: object
    sweep: bool  # a list of values (``a,b``, ``range(...)``), only in a sweep's command


def parse_overrides(lines: list[str]) -> list[Override]:
    """Hydra's reading of ``key=value`` lines (typed values; ``a,b`` as a sweep).

    >>> [(o.key, o.value) for o in parse_overrides(["seed=3", "+experiment=mediation"])]
    [('seed', 3), ('experiment', 'mediation')]
    """
    parser, found = OverridesParser.create(), []
    for line in lines:
        parsed = parser.parse_overrides([line])[0]
        sweep = parsed.is_sweep_override()
        found.append(Override(text=line, key=parsed.key_or_group, value=None if sweep else parsed.value(), sweep=sweep))
    return found


def _yaml(path: Path) -> dict | list | None:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None


def run_overrides(folder: Path) -> list[str] | None:
    """A run's command-line overrides (``.hydra/overrides.yaml``), or ``None`` when they were not recorded."""
    listed = _yaml(Path(folder) / ".hydra" / "overrides.yaml")
    return [str(line) for line in listed] if isinstance(listed, list) else None


def hydra_settings(folder: Path) -> dict:
    """The ``hydra`` block Hydra saved with a run (``.hydra/hydra.yaml``) or a sweep (``multirun.yaml``)."""
    folder = Path(folder)
    for path in (folder / ".hydra" / "hydra.yaml", folder / "multirun.yaml"):
        found = _yaml(path)
        if isinstance(found, dict) and isinstance(found.get("hydra"), dict):
            return found["hydra"]
    return {}


#: How big a run is and which random numbers it draws: stated beside the scenario, not counted as changes to it.
RUN_SIZE = {"seed", "replications", "record"}


def changes(overrides: list[Override]) -> list[Override]:
    """The overrides that change the named scenario or its protocol: not the scenario's choice itself, Hydra's
    own settings, the run's size and seed, or settings that change only how a run reports itself."""
    skip = RUN_ONLY | RUN_SIZE | {"scenario"}
    return [o for o in overrides if o.key not in skip and not o.key.startswith("hydra")]


def _config_dir(hydra: dict) -> str:
    """The name (not the path) of a ``--config-dir`` folder the run was given, or ``""``."""
    for source in (hydra.get("runtime") or {}).get("config_sources") or []:
        if source.get("provider") == "command-line" and source.get("schema") == "file":
            return Path(str(source.get("path"))).name or "DIR"
    return ""


def reproduce_command(overrides: list[Override], hydra: dict, *, extra: dict | None = None) -> str:
    """The ``negsim`` command that runs this again (``extra``: settings to spell out when not overridden).

    >>> reproduce_command(parse_overrides(["protocol=mediated", "progress=false"]), {}, extra={"seed": 0})
    'negsim protocol=mediated seed=0'
    """
    kept = [o for o in overrides if o.key not in RUN_ONLY and not o.key.startswith("hydra")]
    named = {o.key for o in kept}
    words = ["negsim"]
    folder = _config_dir(hydra)
    if folder:
        words += ["--config-dir", folder]
    if any(o.sweep for o in kept):
        words.append("-m")
    words += [shlex.quote(o.text) for o in kept]
    words += [f"{key}={value}" for key, value in (extra or {}).items() if key not in named]
    return " ".join(words)


def _experiment_file(name: str, hydra: dict) -> Path | None:
    sources = (hydra.get("runtime") or {}).get("config_sources") or [{"schema": "pkg", "path": "negsim.configs"}]
    for source in sorted(sources, key=lambda s: s.get("provider") != "command-line"):
        schema, where = source.get("schema"), str(source.get("path"))
        try:
            base = Path(where) if schema == "file" else Path(str(resources.files(where))) if schema == "pkg" else None
        except (ModuleNotFoundError, TypeError):
            base = None
        if base is not None and (base / "experiment" / f"{name}.yaml").is_file():
            return base / "experiment" / f"{name}.yaml"
    return None


def experiment_note(name: str, hydra: dict) -> tuple[str, str]:
    """A named experiment's question and the rest of its header comment (``("", "")`` when not found).

    The header is the comment at the top of ``experiment/NAME.yaml``: a ``# Question: ...`` line (continued
    on the following comment lines until another ``Label:``), then notes such as ``# Article: ...``.
    """
    path = _experiment_file(name, hydra)
    if path is None:
        return "", ""
    fields: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        text = line.lstrip("#").strip()
        if not text or text.startswith("@package"):
            continue
        if re.match(r"^[A-Z][A-Za-z ]{1,20}:", text) or not fields:
            fields.append([text])
        else:
            fields[-1].append(text)
    joined = [" ".join(parts) for parts in fields]
    question = next((f.split(":", 1)[1].strip() for f in joined if f.startswith("Question:")), "")
    rest = " ".join(f for f in joined if not f.startswith("Question:"))
    return question[:1].upper() + question[1:], rest
