"""Protects the model card's written part (docs/model_card.yaml, the product manager's) and the
limitations the pipeline writes itself: an empty section is named, a malformed file is a
config error, and a limitation appears exactly when the figures show it."""

import pytest
import yaml

from modelops.config import paths
from modelops.config.card import CardText, empty_sections, load_card_text
from modelops.errors import ConfigError
from modelops.model.card_facts import FairnessReport, generated_limitations

GOOD = {
    "intended_use": "Rank consumer loan applications by default risk.",
    "intended_users": ["loan officers"],
    "out_of_scope_uses": ["mortgages"],
    "owners": [{"role": "product", "name": "Credit Products", "contact": "a@example.com"}],
    "known_limitations": ["one lender, one period"],
}


def test_the_projects_text_is_complete(project_root):
    text = load_card_text(project_root / paths.CARD_TEXT)
    assert empty_sections(text) == []


@pytest.mark.parametrize(
    ("section", "value", "named"),
    [
        ("intended_use", None, "intended_use"),  # a blank YAML key reads as null
        ("intended_use", "  ", "intended_use"),
        ("intended_users", [], "intended_users"),
        ("known_limitations", ["ok", ""], "known_limitations[1]"),
        ("owners", [{"role": "product", "name": "x", "contact": ""}], "owners[0].contact"),
    ],
)
def test_an_empty_section_is_named(tmp_path, section, value, named):
    path = tmp_path / "model_card.yaml"
    path.write_text(yaml.safe_dump({**GOOD, section: value}), encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_card_text(path)
    assert f"the model card's section '{named}' is empty" in str(raised.value)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (yaml.safe_dump({**GOOD, "intended_uses": "x"}), "unknown key 'intended_uses'"),
        (yaml.safe_dump({k: v for k, v in GOOD.items() if k != "owners"}), "'owners' is missing"),
        ("intended_use: [unclosed", "not valid YAML"),
    ],
)
def test_a_malformed_file_is_a_config_error(tmp_path, text, words):
    path = tmp_path / "model_card.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=words):
        load_card_text(path)


def segment(n: int, roc_auc: float | None) -> dict:
    return {"n": n, "roc_auc": roc_auc}


FAIRNESS = FairnessReport.model_validate({
    "features": {"used": ["Age", "Income"], "excluded": {"Marital": "prohibited basis (ECOA)"}},
    "age_rule": {"attribute": "Age", "from": 61, "to": [62, 90], "rows": 100, "rows_raised": 0,
                 "max_increase": 0.0, "passed": True},
    "groups": {"Marital": {
        g: {"n": n, "approval_rate": 0.5, "approval_ratio": None, "repaid_n": n,
            "approval_rate_repaid": None, "equal_opportunity_gap": None, "mean_p_default": 0.2,
            "bad_rate": 0.2, "calibration_gap": None, "judged": n >= 50}
        for g, n in (("married", 400), ("widow", 12))}},
})  # fmt: skip
SEGMENTS = {"Age": {"[18, 25)": segment(60, 0.70), "[25, 35)": segment(300, 0.85),
                    "[55, 100)": segment(20, 0.50)}}  # fmt: skip
NO_FEEDBACK = {part: {"rows": 10, "feedback": 0, "by_decision": {}} for part in ("train", "test")}


def feedback(explored: int) -> dict:
    by_decision = {"approved by the model": 30, "approved by exploration": explored, "rejected": 0}
    return {"train": {"rows": 100, "feedback": 30 + explored, "by_decision": by_decision},
            "test": {"rows": 25, "feedback": 8, "by_decision": by_decision}}  # fmt: skip


def test_small_segments_and_the_weakest_judged_one():
    found = generated_limitations(SEGMENTS, FAIRNESS, NO_FEEDBACK, 50, 0.84)
    assert "fewer than 50 test rows are too small to judge" in found[0]
    assert "Age [55, 100) (20)" in found[0]
    assert found[1] == (
        "Fairness groups too small to judge (no ratio or gap is computed for them): "
        "Marital widow (12)."
    )
    # [55, 100) is weaker but too small to judge: the weakest judged segment is named.
    assert found[2].startswith("The weakest segment is Age [18, 25): ROC AUC 0.7000 on 60")
    assert not any("selection bias" in line for line in found)


@pytest.mark.parametrize("explored", [0, 5])
def test_feedback_rows_bring_the_selection_bias_limitation(explored):
    found = generated_limitations(SEGMENTS, FAIRNESS, feedback(explored), 50, 0.84)
    (bias,) = [line for line in found if "selection bias" in line]
    assert bias.startswith(f"{30 + explored} training rows and 8 test rows are production")
    assert ("beyond the 5 approved at random" in bias) == bool(explored)


def test_a_failed_age_rule_is_a_limitation():
    failed = FAIRNESS.model_copy(
        update={
            "age_rule": FAIRNESS.age_rule.model_copy(update={"passed": False, "rows_raised": 3})
        }
    )
    found = generated_limitations(SEGMENTS, failed, None, 50, 0.84)
    assert found[-1].startswith("The age rule failed: moving Age from 61 to 62-90 raised")


def test_card_text_refuses_unknown_owner_fields():
    with pytest.raises(ValueError, match="extra"):
        CardText.model_validate({**GOOD, "owners": [{**GOOD["owners"][0], "phone": "1"}]})


# An owner without a contact, written either way, and the other sections left out or left
# blank: one exit code, 2, as README says (issue 22, class 10: README said 1 for one of them).
OWNER = {"role": "product", "name": "Credit Products", "contact": "a@example.com"}
UNFILLED = {
    "contact_key_left_out": ({"owners": [{k: v for k, v in OWNER.items() if k != "contact"}]},
                             "owners[0].contact"),
    "contact_blank": ({"owners": [{**OWNER, "contact": None}]}, "owners[0].contact"),
    "contact_spaces": ({"owners": [{**OWNER, "contact": "   "}]}, "owners[0].contact"),
    "second_owner_without_contact": ({"owners": [OWNER, {**OWNER, "contact": ""}]},
                                     "owners[1].contact"),
    "name_key_left_out": ({"owners": [{k: v for k, v in OWNER.items() if k != "name"}]},
                          "owners[0].name"),
    "no_owners": ({"owners": []}, "owners"),
    "limitations_blank": ({"known_limitations": None}, "known_limitations"),
}  # fmt: skip


@pytest.mark.parametrize(("change", "named"), UNFILLED.values(), ids=UNFILLED)
def test_an_unfilled_section_is_exit_2_naming_it(tmp_path, change, named):
    path = tmp_path / "model_card.yaml"
    path.write_text(yaml.safe_dump({**GOOD, **change}), encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_card_text(path)
    assert raised.value.exit_code == 2
    assert f"'{named}'" in str(raised.value), str(raised.value)


def test_readme_states_the_exit_code_the_card_stage_gives(project_root):
    readme = " ".join((project_root / "README.md").read_text(encoding="utf-8").split())
    said = readme[readme.index("a section left empty (blank, `[]`, an owner without a contact") :]
    assert said[: said.index(".")].count("exit 2") == 1 and "exit 1" not in said[:300], said[:300]
