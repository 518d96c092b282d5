"""The generated asset checks on the tiny delivery: every blocking pandera check and every
great-expectations check runs and passes through Dagster; corrupted copies of the warehouse
make them fail with failure cases in the metadata."""

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from integration_pipeline.checks import expectation_checks, schema_checks
from integration_pipeline.checks.expectations import (
    DATA_DOCS_ENV,
    SUITES,
    data_docs_path,
    run_expectation_check,
)
from integration_pipeline.checks.schema import CHECK_NAME, run_schema_check, validate_table
from integration_pipeline.definitions import ALL_ASSETS
from integration_pipeline.partitions import monthly_partitions
from integration_pipeline.resources import PipelineSettings, WarehouseResource
from integration_pipeline.schemas import MODELS, schema_of, sql_type
from tests.conftest import TEST_KEY, TINY

MONTH = "2017-06"
SUITE = {s.name: s for s in SUITES}


@pytest.fixture(scope="module")
def checked_run(tmp_path_factory):
    """The tiny delivery materialised with all checks; returns (result, warehouse path)."""
    wh = tmp_path_factory.mktemp("checked") / "warehouse.duckdb"
    resources = {"warehouse": WarehouseResource(database=str(wh)),
                 "settings": PipelineSettings(data_raw=str(TINY),
                                              reports_dir=str(wh.parent / "reports"))}
    job = dg.define_asset_job("load_and_check", selection=dg.AssetSelection.all())
    defs = dg.Definitions(assets=ALL_ASSETS,
                          asset_checks=[*schema_checks(), *expectation_checks()],
                          jobs=[job], resources=resources)
    with pytest.MonkeyPatch.context() as mp:   # the autouse key fixture is function-scoped
        mp.setenv("INTEGRATION_PSEUDONYM_KEY", TEST_KEY)
        result = defs.resolve_job_def("load_and_check").execute_in_process(
            partition_key=MONTH, raise_on_error=False)
    return result, wh


@pytest.fixture
def corrupt_copy(checked_run, tmp_path):
    """A writable copy of the checked warehouse: `corrupt_copy(*sql)` runs the statements."""
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(checked_run[1], copy)

    def corrupt(*statements: str) -> WarehouseResource:
        with duckdb.connect(str(copy)) as con:
            for stmt in statements:
                con.execute(stmt)
        return WarehouseResource(database=str(copy))

    return corrupt


def _evaluations(result, name_prefix: str) -> dict:
    return {(e.asset_key, e.check_name): e for e in result.get_asset_check_evaluations()
            if e.check_name.startswith(name_prefix)}


def test_run_with_checks_succeeds(checked_run):
    assert checked_run[0].success


def test_every_pandera_check_runs_and_passes(checked_run):
    result, wh = checked_run
    evals = _evaluations(result, CHECK_NAME)
    assert {k for k, _ in evals} == {dg.AssetKey(t.split(".")) for t in MODELS}
    with duckdb.connect(str(wh), read_only=True) as con:
        for (asset_key, _), e in evals.items():
            table = ".".join(asset_key.path)
            rows = con.execute(f"SELECT count(*) FROM {table} WHERE delivery_month = ?",
                               [MONTH]).fetchall()[0][0]
            assert e.passed, (table, e.metadata["failure_cases"].value)
            assert e.severity == dg.AssetCheckSeverity.ERROR
            assert e.metadata["rows"].value == rows > 0
            assert e.metadata["num_failures"].value == 0


def test_every_expectation_suite_runs_and_passes(checked_run):
    result, wh = checked_run
    evals = _evaluations(result, "ge_")
    assert {(k.path[0] + "." + k.path[1], n) for k, n in evals} == {
        (s.table, s.check_name) for s in SUITES}
    for e in evals.values():
        assert e.passed, e.metadata["failed_expectations"].value
        assert e.severity == dg.AssetCheckSeverity.WARN
        assert e.metadata["unsuccessful_expectations"].value == 0
        assert e.metadata["evaluated_expectations"].value >= 3
        assert e.metadata["data_docs"].value == str(wh.parent / "data_docs" / "index.html")
    index = (wh.parent / "data_docs" / "index.html").read_text(encoding="utf-8")
    assert all(s.name in index for s in SUITES)


def test_check_definitions():
    schema_specs = [spec for c in schema_checks() for spec in c.check_specs]
    assert len(schema_specs) == len(MODELS)
    for spec in schema_specs + [sp for c in expectation_checks() for sp in c.check_specs]:
        assert spec.partitions_def == monthly_partitions
        assert spec.blocking == (spec.name == CHECK_NAME)
        assert spec.description


def test_models_match_the_warehouse_types(checked_run):
    """The model's declared type and (for raw.*, whose DDL says NOT NULL) nullability agree
    with the warehouse, so the data dictionary describes the real tables."""
    with duckdb.connect(str(checked_run[1]), read_only=True) as con:
        for table in MODELS:
            desc = con.execute(f"DESCRIBE {table}").fetchall()
            assert [r[0] for r in desc] == list(schema_of(table).columns), table
            for name, col_type, null, *_ in desc:
                assert sql_type(table, name) == col_type, (table, name)
                if table.startswith("raw."):
                    nullable = schema_of(table).columns[name].nullable
                    assert nullable == (null == "YES"), (table, name)


def test_pandera_check_fails_on_a_corrupt_row(corrupt_copy):
    wh = corrupt_copy(
        "UPDATE raw.cpr__persons SET sex = 'X' "
        "WHERE source_line = (SELECT min(source_line) FROM raw.cpr__persons)")
    result = run_schema_check(wh, "raw.cpr__persons", MONTH)
    assert not result.passed
    assert result.severity == dg.AssetCheckSeverity.ERROR
    assert result.metadata["num_failures"].value == 1
    assert result.metadata["failed_checks"].value == ["sex: isin(['M', 'K'])"]
    cases = result.metadata["failure_cases"].value
    assert "| sex " in cases and "| X " in cases


def test_pandera_check_finds_a_duplicate_key_across_slices(corrupt_copy):
    wh = corrupt_copy("INSERT INTO raw.dream__benefit_weeks "
                      "SELECT * FROM raw.dream__benefit_weeks LIMIT 1")
    with wh.get_connection() as con:
        whole = validate_table(con, "raw.dream__benefit_weeks", MONTH)
        sliced = validate_table(con, "raw.dream__benefit_weeks", MONTH, chunk_rows=100)
    assert not whole.passed and not sliced.passed
    assert sliced.num_failures == whole.num_failures
    assert whole.failed_checks == sliced.failed_checks == ["(row): multiple_fields_uniqueness"]


def test_pandera_check_reports_a_missing_table(tmp_path):
    wh = WarehouseResource(database=str(tmp_path / "empty.duckdb"))
    result = run_schema_check(wh, "core.person", MONTH)
    assert not result.passed and "table_exists" in result.metadata["failed_checks"].value[0]


def test_ge_checks_warn_on_broken_business_rules(corrupt_copy, tmp_path):
    wh = corrupt_copy(
        "UPDATE report.key_figures SET value = value + 1 "
        "WHERE figure = 'immigrants_moved_away'",
        # a second spell of a person that starts inside its first spell
        "INSERT INTO core.residence_spell SELECT * REPLACE (spell_no + 100 AS spell_no, "
        "start_date + 1 AS start_date) FROM core.residence_spell "
        "WHERE end_date > start_date + 1 LIMIT 1")
    docs = tmp_path / "docs_setting"
    figures = run_expectation_check(wh, SUITE["key_figures"], MONTH, str(docs))
    assert not figures.passed
    assert figures.severity == dg.AssetCheckSeverity.WARN
    assert figures.metadata["unsuccessful_expectations"].value == 1
    assert "still_resident_plus_moved_away" in figures.metadata["failed_expectations"].value
    spells = run_expectation_check(wh, SUITE["residence_spell"], MONTH, str(docs))
    assert not spells.passed
    assert "overlaps_earlier_spell" in spells.metadata["failed_expectations"].value
    assert spells.metadata["data_docs"].value == str(docs.resolve() / "index.html")
    assert (docs / "index.html").exists()


def test_data_docs_folder_setting(monkeypatch, tmp_path):
    monkeypatch.delenv(DATA_DOCS_ENV, raising=False)
    assert data_docs_path("warehouse/integration.duckdb") == Path("warehouse/data_docs")
    monkeypatch.setenv(DATA_DOCS_ENV, str(tmp_path / "env_docs"))
    assert data_docs_path("warehouse/integration.duckdb") == tmp_path / "env_docs"
    assert data_docs_path("x.duckdb", str(tmp_path / "arg")) == tmp_path / "arg"


def test_ge_key_figures_warn_when_residents_jump_against_the_previous_delivery(
        corrupt_copy, tmp_path):
    wh = corrupt_copy(
        # a previous delivery with twice the current residents: a 50 % drop this month
        "INSERT INTO report.key_figures SELECT * REPLACE ('2017-05' AS delivery_month, "
        "value * 2 AS value) FROM report.key_figures WHERE delivery_month = '2017-06' "
        "AND figure = 'immigrants_still_resident'")
    result = run_expectation_check(wh, SUITE["key_figures"], MONTH, str(tmp_path / "docs"))
    assert not result.passed
    assert "resident_change_pct" in result.metadata["failed_expectations"].value
