"""The run folder's files: config.yaml is written entry by entry, and reads the same as one yaml.safe_dump."""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from conftest import ROOT, compose_config
from hypothesis import given, settings
from hypothesis import strategies as st
from omegaconf import OmegaConf

from negsim.experiments.run.files import yaml_text

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=120),
    st.sampled_from(["true", "1", "1.0", "null", "~", "- x", "a: b", "'q'", '"q"', "#c", "x\ny", " lead", "é–“"]),
)  # fmt: skip
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=20),
                      inner, max_size=4), max_leaves=30)  # fmt: skip


def _dump(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=150), VALUES, min_size=1, max_size=6))
def test_config_text_is_one_safe_dump(data):
    assert yaml_text(data) == _dump(data)
    assert yaml_text(data) == _dump(data)  # the second time from remembered entries


@pytest.mark.slow
def test_every_shipped_scenario_and_protocol_writes_the_same_text():
    for scenario in sorted(p.stem for p in (ROOT / "configs" / "scenario").glob("*.yaml")):
        for protocol in sorted(p.stem for p in (ROOT / "configs" / "protocol").glob("*.yaml")):
            composed = compose_config([f"scenario={scenario}", f"protocol={protocol}"])
            data = OmegaConf.to_container(composed, resolve=True)
            assert yaml_text(data) == _dump(data), (scenario, protocol)


def test_true_one_and_one_point_zero_are_told_apart():
    assert [yaml_text({"k": v}) for v in (True, 1, 1.0)] == ["k: true\n", "k: 1\n", "k: 1.0\n"]


def test_an_empty_round_log_is_written_as_pandas_writes_it(tmp_path):
    import pandas as pd

    from negsim.experiments.run.files import ROUND_COLUMNS, _empty_rounds

    empty = pd.DataFrame({name: pd.Series(dtype=kind) for name, kind in ROUND_COLUMNS.items()})
    empty.to_parquet(tmp_path / "rounds.parquet", index=False)
    assert (tmp_path / "rounds.parquet").read_bytes() == _empty_rounds()


@pytest.mark.parametrize(("rows", "parties"), [(1000, 4), (0, 3), (40, 70)])
def test_holdouts_are_named_as_a_plain_join_would(rows, parties):
    """Patterns are named once each (as integers, or row by row past 62 parties); the result is the plain join."""
    from negsim.experiments.run.files import holdout_names

    held = np.random.default_rng(rows + parties).random((rows, parties)) < 0.3
    names = [f"party{k}" for k in range(parties)]
    plain = [" ".join(name for name, h in zip(names, row, strict=True) if h) for row in held]
    assert list(holdout_names(held, names)) == plain
