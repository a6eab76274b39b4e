"""The ready models in the repository's models/ folder: every configuration passes the command's
checks, and every committed model file loads and was built from its configuration's model."""
from pathlib import Path

import pytest

from eqgraph.cli.config import load_config
from eqgraph.models import SavableModel

MODELS = Path(__file__).resolve().parents[1] / "models"
CONFIGS = sorted(MODELS.glob("*.yaml")) + sorted(MODELS.glob("baselines/*.yaml"))


def test_there_are_ready_models():
    assert {p.stem for p in MODELS.glob("*.yaml")} >= {"emt-cu-potential", "qm9-u0", "qm9-gap", "qm9-dipole"}


@pytest.mark.parametrize("path", CONFIGS, ids=[p.stem for p in CONFIGS])
def test_ready_config_is_valid_and_has_a_card(path):
    config = load_config(path)
    assert config["model"]["name"] and config["targets"]
    if path.parent == MODELS:
        assert path.with_suffix(".md").exists(), f"{path.name} has no model card"


@pytest.mark.parametrize("path", sorted(MODELS.glob("*.pt")), ids=lambda p: p.stem)
def test_committed_model_matches_its_config(path):
    model = SavableModel.from_checkpoint(path)
    settings = {k: v for k, v in load_config(path.with_suffix(".yaml"))["model"].items() if k != "name"}
    assert type(model).__name__ == load_config(path.with_suffix(".yaml"))["model"]["name"]
    for key, value in settings.items():
        assert model.config[key] == value, (path.name, key)
