"""Protects the contract a release bundle carries (its contract.yaml, which the service checks
requests against): a key written twice or a non-finite bound is refused as in the work tree,
one line naming the bundle's file (the archive, not a temporary folder), the key and the
value or lines, before any model is loaded.
"""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest

from modelops.errors import ConfigError
from modelops.retrieve import file_md5
from modelops.serve.served import load_served

CASES = [
    ("age_twice", lambda text: text.replace(
        "  Time: {type: integer",
        "  Age: {type: integer, min: 0, max: 1000}\n  Time: {type: integer"),
     "contract.yaml: duplicate key 'columns.Age' at lines "),
    ("age_min_nan", lambda text: text.replace("min: 18, max: 100", "min: .nan, max: 100"),
     "contract.yaml: 'columns.Age.min' input should be a finite number, got nan"),
]  # fmt: skip


def bundle(folder: Path, contract: str) -> Path:
    """A bundle folder whose model passes the manifest's hash check (never loaded: the
    contract is refused first)."""
    folder.mkdir(parents=True)
    (folder / "model.skops").write_bytes(b"not reached")
    manifest = {
        "version": "v9.9.9",
        "dvc_hashes": {"models/model.skops": file_md5(folder / "model.skops")},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (folder / "contract.yaml").write_text(contract, encoding="utf-8")
    return folder


@pytest.mark.parametrize(("name", "edit", "words"), CASES, ids=[c[0] for c in CASES])
def test_a_bundle_folder_with_a_broken_contract_is_refused(
    tmp_path, contract_file, name, edit, words
):
    folder = bundle(
        tmp_path / "credit-risk-v9.9.9", edit(contract_file.read_text(encoding="utf-8"))
    )
    with pytest.raises(ConfigError) as refused:
        load_served(folder, tmp_path)
    assert str(refused.value).startswith(f"{folder}/{words}"), refused.value


@pytest.mark.parametrize(("name", "edit", "words"), CASES, ids=[c[0] for c in CASES])
def test_an_archive_is_named_not_its_unpacked_copy(tmp_path, contract_file, name, edit, words):
    folder = bundle(
        tmp_path / "credit-risk-v9.9.9", edit(contract_file.read_text(encoding="utf-8"))
    )
    archive = tmp_path / "credit-risk-v9.9.9.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder, arcname=folder.name)
    with pytest.raises(ConfigError) as refused:
        load_served(archive, tmp_path)
    assert str(refused.value).startswith(f"{archive}/{words}"), refused.value
