"""Protects comparing categories the way the data are corrected: a contract whose allowed values
are written in mixed case ("DM", "Owner") keeps data in any case, once normalize_categories
trims and lower-cases both sides; it used to quarantine almost every row.
"""

import pandas as pd
from support.contract_corpus import replaced

MIXED_CASE = [
    ("[owner, rent, parents, priv, other, ignore]", "[Owner, Rent, Parents, Priv, Other, Ignore]"),
    ("own: owner,", "Own: Owner,"),
    ('allowed: ["yes", "no"]', 'allowed: ["Yes", "NO"]'),
    ("allowed: [good, bad]", "allowed: [Good, BAD]"),
    ("positive: bad", "positive: BAD"),
]


def test_mixed_case_contract_keeps_data_in_any_case(tmp_path, sample, contract_file, validate_cli):
    text = contract_file.read_text(encoding="utf-8")
    for old, new in MIXED_CASE:
        text = replaced(old, new)(text)
    (tmp_path / "contract.yaml").write_text(text, encoding="utf-8")
    frame = sample.copy()
    frame.loc[:99, "Home"] = ["OWNER", "Rent", "PARENTS", " priv"] * 25  # as a source writes it
    frame.loc[100:109, "Home"] = "OWN"
    frame.to_csv(tmp_path / "extract.csv", index=False)

    run = validate_cli(tmp_path, "extract.csv", contract=tmp_path / "contract.yaml", outputs=True)

    assert run.returncode == 0, run.stderr
    report = run.report()
    assert (report["rows_quarantined"], report["rows_out"]) == (0, 4454)
    assert report["corrections"]["normalized_category_values"] == 110
    assert report["corrections"]["synonyms_mapped"] == 10
    validated = pd.read_parquet(tmp_path / "validated.parquet")
    homes = {"owner", "rent", "parents", "priv", "other", "ignore"}
    assert set(validated["Home"].dropna()) == homes
    assert validated["Status"].value_counts().to_dict() == {"good": 3200, "bad": 1254}
