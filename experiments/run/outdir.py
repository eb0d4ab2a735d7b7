"""Where a run or a sweep writes: the folder is checked before anything is written, and an earlier run's files go.

A run folder holds what negsim and Hydra write into it and nothing else, so a folder the user named by
mistake (``hydra.run.dir=.`` in a project, a file, ``/proc/x``) is refused before the first byte is
written instead of being written over. A run into the folder of an earlier run first removes that run's
files, ``summary.json`` first (its presence marks a complete run), so no file of the earlier run is left
beside the new ones and a run that stops half-way never looks complete.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from negsim.experiments.run.failures import BadFolder
from negsim.experiments.run.files import RUN_FILES

__all__ = ["RUN_OUTPUTS", "SWEEP_OUTPUTS", "clear_run", "folder_for"]

#: What negsim and Hydra write into a run folder; ``summary.json`` first, the order files are removed in.
RUN_OUTPUTS = ("summary.json", *(name for name in RUN_FILES if name != "summary.json"), "report.html", "app.log",
               ".hydra")  # fmt: skip
#: What a sweep writes into its folder besides its job folders (``0``, ``1``, ...).
SWEEP_OUTPUTS = ("sweep.parquet", "sweep.html", "comparison.html", "comparison.csv", ".negsim-sweep.json",
                 "multirun.yaml", ".hydra", ".submitit")  # fmt: skip
#: A file :func:`negsim.experiments.run.files.write_atomic` was writing when its process stopped.
_PARTIAL = re.compile(r"^\..+\.\d+\.[0-9a-f]{32}\.tmp$")


def _foreign(folder: Path, known: tuple[str, ...], jobs: bool) -> list[str]:
    """What in ``folder`` negsim would not have written (everything, if no mark of negsim's is there)."""
    names = sorted(p.name for p in folder.iterdir())
    marks = (".negsim-sweep.json", "multirun.yaml") if jobs else (".hydra",)
    if names and not any((folder / mark).exists() for mark in marks):
        return names  # files with negsim's names, such as a config.yaml, are not an earlier run's without its mark
    return [
        name for name in names
        if name not in known and not _PARTIAL.match(name) and not (jobs and name.isdigit() and (folder / name).is_dir())
    ]  # fmt: skip


def folder_for(text: object, key: str, *, sweep: bool = False) -> Path:
    """The run folder (``hydra.run.dir``) or sweep folder (``hydra.sweep.dir``) ``text``, created if new.

    Raises:
        BadFolder: empty, a file, a folder holding files negsim did not write, or one that cannot be made.
    """
    what = "an earlier sweep" if sweep else "an earlier negsim run"
    allowed = f"allowed: a new or empty folder, or the folder of {what}"
    if not isinstance(text, str) or not text.strip():
        raise BadFolder(f"{key}: empty; allowed: a folder path, such as {'sweeps/mine' if sweep else 'runs/mine'}")
    folder = Path(text)
    if folder.exists() and not folder.is_dir():
        raise BadFolder(f"{key}: {folder} is a file, not a folder; {allowed}")
    if folder.is_dir():
        known = SWEEP_OUTPUTS if sweep else RUN_OUTPUTS
        foreign = _foreign(folder, known, jobs=sweep)
        if foreign:
            shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
            raise BadFolder(f"{key}: {folder} holds files negsim did not write ({shown}), which a run "
                            f"could overwrite; {allowed}")  # fmt: skip
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BadFolder(f"{key}: cannot make the folder {folder} ({error.strerror}); allowed: a folder "
                        "you can write to") from None  # fmt: skip
    if not os.access(folder, os.W_OK | os.X_OK):
        raise BadFolder(f"{key}: cannot write into {folder} (permission denied); allowed: a folder you can write to")
    return folder


def clear_run(folder: Path, *, keep: tuple[str, ...] = ()) -> None:
    """Remove an earlier run's files from ``folder`` (``summary.json`` first), except those named in ``keep``."""
    import shutil

    for name in RUN_OUTPUTS:
        if name in keep:
            continue
        path = folder / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
    for path in folder.iterdir():
        if _PARTIAL.match(path.name):
            path.unlink(missing_ok=True)
