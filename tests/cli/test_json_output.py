"""`--json` gives scripts the data alone on stdout; tables are tab-separated in pipes."""

from __future__ import annotations

import json


def test_env_list_json_and_tsv(metta_inprocess):
    code, out, _ = metta_inprocess("env", "list", "--json")
    assert code == 0
    names = [row["name"] for row in json.loads(out)]
    assert "navigation" in names and all({"agents", "width", "height"} <= set(row) for row in json.loads(out))
    code, out, _ = metta_inprocess("env", "list")  # captured stdout is not a terminal: TSV
    header, *rows = out.strip().splitlines()
    assert header.split("\t") == ["name", "agents", "map", "what it teaches"]
    assert {row.split("\t")[0] for row in rows} == set(names)


def test_config_validate_json_reports_each_file(metta_inprocess, tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("trainer:\n  learning_rate: 0.001\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("trainer:\n  learning_rate: -1\n")
    code, out, _ = metta_inprocess("config", "validate", str(good), str(bad), "--schema", "train", "--json")
    assert code == 2
    results = json.loads(out)
    assert [r["valid"] for r in results] == [True, False]
    assert "trainer.learning_rate" in results[1]["problems"][0]
