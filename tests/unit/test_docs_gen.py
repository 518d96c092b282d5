"""The committed data dictionary is generated from the pandera models and up to date."""

from integration_pipeline.docs_gen import main, render
from integration_pipeline.schemas import MODELS, schema_of
from tests.conftest import ROOT


def test_committed_data_dictionary_is_up_to_date(tmp_path):
    out = tmp_path / "data_dictionary.md"
    assert main(["--out", str(out)]) == 0
    committed = ROOT / "docs" / "data_dictionary.md"
    assert committed.read_text(encoding="utf-8") == out.read_text(encoding="utf-8"), (
        "docs/data_dictionary.md is out of date: run python -m integration_pipeline.docs_gen")


def test_check_mode_reports_a_stale_file(tmp_path):
    stale = tmp_path / "data_dictionary.md"
    stale.write_text("# hand-edited\n", encoding="utf-8")
    assert main(["--out", str(stale), "--check"]) == 1
    assert main(["--out", str(stale)]) == 0
    assert main(["--out", str(stale), "--check"]) == 0


def test_every_table_and_column_is_in_the_dictionary():
    text = render()
    for table in MODELS:
        assert f"### `{table}`" in text
        for column in schema_of(table).columns:
            assert f"| `{column}` |" in text
