"""Every quote in the shipped scenarios is verbatim in the article they cite.

The validator checks quotes only where it reads them (a disabled escalation is
skipped), so this walks each YAML file itself and finds every ``evidence``
value anywhere in it: actor evidence, influence edges, linkages, escalation.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from negsim.sim.validate import JUDGMENT, build_scenario, read_source

ROOT = Path(__file__).resolve().parents[2]
ARTICLE_NAME = "security-guarantees-article.txt"
ARTICLE = ROOT / "seeds" / ARTICLE_NAME
SCENARIOS = sorted((ROOT / "configs" / "scenario").glob("*.yaml"))


def evidence(node: object, path: str = "scenario") -> Iterator[tuple[str, object]]:
    """``(dotted path, value)`` of every evidence entry under ``node``."""
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}.{key}"
            if key == "evidence" and isinstance(value, dict):
                yield from ((f"{where}.{item}", text) for item, text in value.items())
            elif key == "evidence":
                yield where, value
            else:
                yield from evidence(value, where)
    elif isinstance(node, list):
        for k, value in enumerate(node):
            yield from evidence(value, f"{path}[{k}]")


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def composed(path: Path) -> dict:
    """The scenario as Hydra composes it (library scenarios start from the baseline)."""
    from omegaconf import OmegaConf

    from tests.conftest import compose_config

    return OmegaConf.to_container(compose_config([f"scenario={path.stem}"]).scenario, resolve=True)


def is_judgment(text: object) -> bool:
    return isinstance(text, str) and text.lower().startswith(JUDGMENT)


def all_entries() -> list:
    return [
        pytest.param(path, where, text, id=f"{path.stem}:{where}")
        for path in SCENARIOS
        for where, text in evidence(load(path))
    ]


@pytest.fixture(scope="module")
def article() -> str:
    return ARTICLE.read_text(encoding="utf-8")


def test_article_is_in_seeds_and_not_empty(article):
    assert len(article.split()) > 100
    assert read_source(ARTICLE_NAME) == article  # the copy the validator reads


def test_there_are_scenarios():
    assert any(path.name == "baseline.yaml" for path in SCENARIOS)


@pytest.mark.parametrize(("path", "where", "text"), all_entries())
def test_quote_is_verbatim_in_the_article(article, path, where, text):
    assert isinstance(text, str) and text.strip(), f"{path.name}: {where}: empty evidence"
    if is_judgment(text):
        assert text[len(JUDGMENT) :].strip(), f"{path.name}: {where}: a judgment needs a reason"
        return
    assert text in article, f"{path.name}: {where}: not verbatim in {ARTICLE_NAME}: {text!r}"
    assert len(text.split()) >= 3, f"{path.name}: {where}: too short to be evidence: {text!r}"


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_has_quotes_and_judgments(path):
    texts = [text for _, text in evidence(composed(path))]
    assert any(is_judgment(text) for text in texts), f"{path.name}: no '{JUDGMENT}' evidence"
    assert any(not is_judgment(text) for text in texts), f"{path.name}: no quote from the article"


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_cites_the_article_and_builds(path):
    raw = composed(path)
    assert raw.get("source") == ARTICLE_NAME
    spec = build_scenario(raw)
    assert all(text for _, text in spec.actors[0].evidence)


def test_walker_finds_every_kind_of_evidence():
    where = [w for w, _ in evidence(load(ROOT / "configs" / "scenario" / "baseline.yaml"))]
    assert "scenario.actors.russia.evidence.profile" in where
    assert "scenario.influence.us.ukraine.evidence" in where
    assert "scenario.linkages.elections_need_guarantees.evidence" in where
    assert "scenario.escalation.evidence" in where
    assert sum(w.startswith("scenario.actors.") for w in where) == 23


def test_a_changed_quote_would_be_caught(article):
    quote = "any security guarantees must also include Russia"
    assert quote in article
    assert quote.replace("also ", "") not in article
    assert "“realistic”" in article and '"realistic"' not in article  # curly quotes count
