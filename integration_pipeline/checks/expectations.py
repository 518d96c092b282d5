"""great-expectations suites for business rules, run as non-blocking `ge_<suite>` asset checks.

Each suite is declared as data: the asset it is attached to, a SQL query that prepares the
partition's frame (flags and sums computed in SQL first), and a list of `Expect` items, each
with the reason the rule must hold (shown as the expectation's notes in Data Docs). The checks
return WARN severity: a failure flags the month for a human, it does not stop the run (the
structural contract is the blocking pandera check in `schema.py`).

Great Expectations is imported only inside `run_suite` (the import costs seconds). Data Docs are
built into one folder: the `data_docs_dir` given to `expectation_checks()`, else the environment
variable `INTEGRATION_DATA_DOCS`, else `data_docs/` beside the warehouse file. The folder also
holds the GE project (`gx/`: suites and validation history), so Data Docs list every month.
"""


import logging
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import numpy as np
import pandas as pd

from ..assets.common import POOL, key
from ..partitions import monthly_partitions
from ..resources import WarehouseResource
from ..schemas.report import AGE_BANDS, KEY_FIGURES

DATA_DOCS_ENV = "INTEGRATION_DATA_DOCS"
DATA_DOCS_SITE = "integration_pipeline"
MAX_SAMPLE = 5                  # unexpected values shown per failed expectation


@dataclass(frozen=True)
class Expect:
    """One expectation: the GE class name (great_expectations.expectations), its arguments, and
    why the rule must hold."""

    type: str
    kwargs: dict
    reason: str


@dataclass(frozen=True)
class Suite:
    """A suite: `build(con, month)` returns the frame to validate and its expectations."""

    name: str
    table: str
    description: str
    build: Callable[[duckdb.DuckDBPyConnection, str], tuple[pd.DataFrame, list[Expect]]]
    id_columns: tuple[str, ...] = ()    # identify unexpected rows in the check's metadata

    @property
    def check_name(self) -> str:
        return f"ge_{self.name}"


def _frame(con: duckdb.DuckDBPyConnection, query: str, month: str) -> pd.DataFrame:
    return con.execute(query, {"month": month}).df()


# --- core.residence_spell -------------------------------------------------------------------

RESIDENCE_SPELL_SQL = """
with spells as (
    select * from core.residence_spell where delivery_month = $month
),

ordered as (
    select
        *,
        -- the latest end of the person's earlier spells (open = far future): with spells sorted
        -- by start, two spells overlap exactly when one starts before that end
        max(coalesce(end_date, date '9999-12-31')) over (
            partition by person_key order by start_date, spell_no
            rows between unbounded preceding and 1 preceding) as earlier_spells_end
    from spells
)

select
    person_key, spell_no::bigint as spell_no, municipality_code, start_date, end_date,
    -- strict: a spell may end on the day the next begins (moving day)
    coalesce(earlier_spells_end > start_date, false) as overlaps_earlier_spell
from ordered
"""


def _residence_spell(con, month):
    df = _frame(con, RESIDENCE_SPELL_SQL, month)
    municipalities = sorted(r[0] for r in con.execute(
        "SELECT municipality_code FROM ref.municipality").fetchall())
    return df, [
        Expect("ExpectColumnValuesToBeInSet",
               {"column": "overlaps_earlier_spell", "value_set": [False]},
               "A person lives at one address at a time, so two municipality spells of the same "
               "person cannot overlap (a spell may end on the day the next begins: moving day). "
               "An overlap means the address history or the spell SQL is wrong, and rules such "
               "as 'the first spell starting after the permit' become ambiguous."),
        Expect("ExpectColumnPairValuesAToBeGreaterThanB",
               {"column_A": "end_date", "column_B": "start_date", "or_equal": True,
                "ignore_row_if": "either_value_is_missing"},
               "A spell cannot end before it starts (open spells have no end and are skipped); "
               "addresses moved out of before they were moved into are quarantined at load."),
        Expect("ExpectColumnValuesToBeInSet",
               {"column": "municipality_code", "value_set": municipalities},
               "Every spell's municipality should be a known CPR kommunekode (ref.municipality "
               "holds current, pre-2007 and tax-only codes); an unknown code is reported, not "
               "dropped, and would be missing from any municipality name lookup."),
    ]


# --- core.benefit_spell ---------------------------------------------------------------------

BENEFIT_SPELL_SQL = """
with spells as (
    select * from core.benefit_spell where delivery_month = $month
),

-- a first-time immigration (CPR 024 with only INDRDTO): the person had not lived in Denmark
-- before that date
first_immigration as (
    select person_key, min(immigration_date) as first_immigration_date
    from core.migration
    where delivery_month = $month and migration_type = 'first_immigration'
    group by person_key
)

select
    s.person_key, s.benefit_code, s.first_iso_week, s.first_week_start, s.weeks,
    -- Sunday of the spell's first week: the week lies before a date if it ends before it
    s.first_week_start + 6 as first_week_end,
    p.person_key is not null as has_person,
    p.birth_date,
    f.first_immigration_date
from spells s
left join core.person p on p.delivery_month = $month and p.person_key = s.person_key
left join first_immigration f on f.person_key = s.person_key
"""


def _benefit_spell(con, month):
    df = _frame(con, BENEFIT_SPELL_SQL, month)
    codes = sorted(r[0] for r in con.execute("SELECT benefit_code FROM ref.dream_code").fetchall())
    return df, [
        Expect("ExpectColumnValuesToBeInSet", {"column": "benefit_code", "value_set": codes},
               "Every DREAM code must be in the code table ref.dream_code, or the status rules "
               "cannot group it (public_support, education, other, censored); the raw load "
               "rejects unknown codes, so a miss means the table changed after loading."),
        Expect("ExpectColumnValuesToBeBetween", {"column": "weeks", "min_value": 1},
               "A spell is a run of at least one week with a code."),
        Expect("ExpectColumnValuesToBeInSet", {"column": "has_person", "value_set": [True]},
               "DREAM rows of persons not in the month's CPR extract are quarantined at load, "
               "so every benefit spell belongs to a person in core.person."),
        Expect("ExpectColumnPairValuesAToBeGreaterThanB",
               {"column_A": "first_week_end", "column_B": "birth_date", "or_equal": True,
                "ignore_row_if": "either_value_is_missing"},
               "Nobody receives a benefit before being born: the first week of every spell must "
               "end on or after the birth date (the week of birth itself is allowed). A miss "
               "points to a person key mix-up between DREAM and CPR."),
        Expect("ExpectColumnPairValuesAToBeGreaterThanB",
               {"column_A": "first_week_end", "column_B": "first_immigration_date",
                "or_equal": True, "ignore_row_if": "either_value_is_missing"},
               "A first-time immigration (CPR 024 with only an immigration date) means the "
               "person had not lived in Denmark before, so DREAM should have no benefit week "
               "ending before it. Persons born here or re-entering after an emigration have no "
               "such record and are covered by the birth rule. Checked on core.benefit_spell, "
               "which holds exactly the weeks of raw.dream__benefit_weeks. Rare exceptions "
               "(cross-border workers, CPR registration lag) are why this only warns."),
    ]


# --- report.residents_by_age_sex ------------------------------------------------------------

AGE_SEX_SQL = """
select age_band, sort_order, women, men, total, women + men as women_plus_men, pct_of_total
from report.residents_by_age_sex
where delivery_month = $month
"""


def _residents_by_age_sex(con, month):
    df = _frame(con, AGE_SEX_SQL, month)
    residents = int(df["total"].sum()) if len(df) else 0
    # 8 bands, each rounded to one decimal (error <= 0.05): the sum is within 100 +- 0.4
    lo, hi = (99.6, 100.4) if residents > 0 else (0.0, 0.0)
    return df, [
        Expect("ExpectTableRowCountToEqual", {"value": len(AGE_BANDS)},
               "The spec asks for all eight age bands, zeros included, so every month's table "
               "has the same shape."),
        Expect("ExpectColumnDistinctValuesToEqualSet",
               {"column": "age_band", "value_set": AGE_BANDS},
               "Exactly the spec's bands 0-17, 18-24, 25-29, 30-39, 40-49, 50-59, 60-65, 66+."),
        Expect("ExpectColumnPairValuesToBeEqual",
               {"column_A": "total", "column_B": "women_plus_men"},
               "Every person is a man or a woman in CPR, so each band's total is women + men."),
        Expect("ExpectColumnSumToBeBetween",
               {"column": "pct_of_total", "min_value": lo, "max_value": hi},
               f"The bands' percentages of all current immigrant residents add up to 100 when "
               f"there are residents ({residents} this month; with none every band is 0); each "
               f"of the 8 is rounded to one decimal, so the sum may be off by up to 0.4."),
    ]


# --- report.key_figures ---------------------------------------------------------------------

TOTALS_SQL = """
with citizenship as (
    select coalesce(sum(persons), 0) as persons, coalesce(sum(women), 0) as women,
           coalesce(sum(men), 0) as men
    from report.refugees_by_citizenship where delivery_month = $month
),

arrival as (
    select coalesce(sum(persons), 0) as persons, coalesce(sum(adults), 0) as adults
    from report.refugees_by_arrival_year where delivery_month = $month
),

age_sex as (
    select coalesce(sum(total), 0) as total, coalesce(sum(women), 0) as women,
           coalesce(sum(men), 0) as men
    from report.residents_by_age_sex where delivery_month = $month
),

top15 as (
    select coalesce(sum(persons), 0) as persons
    from report.residents_top_citizenships where delivery_month = $month
),

status as (
    select coalesce(sum(persons) filter (where cohort = 'refugees'), 0) as refugees,
           coalesce(sum(persons) filter (where cohort = 'immigrants'), 0) as immigrants
    from report.adult_status where delivery_month = $month
),

-- adults whose status-week code is 997/998: left out of report.adult_status
censored as (
    select
        (select count(*) from core.refugee_received
         where delivery_month = $month and is_adult_at_status_date
           and status_at_status_week = 'censored') as refugees,
        (select count(*) from core.immigrant
         where delivery_month = $month and is_still_resident and is_adult_at_status_date
           and status_at_status_week = 'censored') as immigrants
)

select
    citizenship.persons as refugees_by_citizenship_persons,
    citizenship.women as refugees_by_citizenship_women,
    citizenship.men as refugees_by_citizenship_men,
    arrival.persons as refugees_by_arrival_year_persons,
    arrival.adults as refugees_by_arrival_year_adults,
    age_sex.total as residents_by_age_sex_total,
    age_sex.women as residents_by_age_sex_women,
    age_sex.men as residents_by_age_sex_men,
    top15.persons as top15_persons,
    status.refugees + censored.refugees as adult_status_refugees_plus_censored,
    status.immigrants + censored.immigrants as adult_status_immigrants_plus_censored
from citizenship, arrival, age_sex, top15, status, censored
"""

# (total, derived column, reason): figures that must equal a sum of others
KEY_FIGURE_SUMS = [
    ("immigrants_lived_here", "still_resident_plus_moved_away",
     "Every immigrant who lived here either still lives here or has moved away (moving away "
     "includes dying and emigrating)."),
    ("immigrants_lived_here", "direct_plus_from_other_municipality",
     "Every immigrant came either directly from abroad or from another municipality."),
    ("immigrants_still_resident", "residents_direct_plus_from_other_municipality",
     "The residents' split by origin covers all current immigrant residents."),
    ("immigrants_still_resident", "residents_women_plus_men",
     "Every current immigrant resident is a woman or a man."),
    ("refugees_received", "refugees_men_plus_women", "Every refugee is a man or a woman."),
    ("refugees_received", "refugees_by_citizenship_persons",
     "report.refugees_by_citizenship distributes all refugees received over citizenships."),
    ("refugees_received_women", "refugees_by_citizenship_women",
     "The citizenship table's women add up to the women among refugees received."),
    ("refugees_received_men", "refugees_by_citizenship_men",
     "The citizenship table's men add up to the men among refugees received."),
    ("refugees_received", "refugees_by_arrival_year_persons",
     "report.refugees_by_arrival_year distributes all refugees received over arrival years."),
    ("refugees_adults", "refugees_by_arrival_year_adults",
     "The arrival-year table's adults add up to the adult refugees."),
    ("immigrants_still_resident", "residents_by_age_sex_total",
     "report.residents_by_age_sex distributes all current immigrant residents over age bands."),
    ("residents_women", "residents_by_age_sex_women",
     "The age-sex table's women add up to the women among current immigrant residents."),
    ("residents_men", "residents_by_age_sex_men",
     "The age-sex table's men add up to the men among current immigrant residents."),
    ("refugees_adults", "adult_status_refugees_plus_censored",
     "Every adult refugee has one status in report.adult_status, except those censored (code "
     "997/998 in the status week), who are left out."),
    ("residents_adults_at_status_date", "adult_status_immigrants_plus_censored",
     "Every adult current immigrant resident has one status in report.adult_status, except "
     "those censored, who are left out."),
]
# (larger, smaller, reason): a part can never exceed its whole
KEY_FIGURE_PARTS = [
    ("refugees_received", "refugees_adults", "Adult refugees are a subset of refugees received."),
    ("immigrants_lived_here", "immigrants_family_reunified",
     "Family-reunified immigrants are a subset of the immigrants who lived here."),
    ("immigrants_still_resident", "residents_adults_at_status_date",
     "Adult residents are a subset of the current immigrant residents."),
]


def _key_figures(con, month):
    long = _frame(con, "SELECT figure, value FROM report.key_figures "
                       "WHERE delivery_month = $month", month)
    figures = dict(zip(long["figure"], long["value"].astype(float), strict=True))
    f = {name: figures.get(name, float("nan")) for name in KEY_FIGURES}
    totals = _frame(con, TOTALS_SQL, month).iloc[0].astype(float).to_dict()
    still = f["immigrants_still_resident"]
    recomputed = round(100.0 * totals["top15_persons"] / still, 1) if still else 0.0
    row = {
        **f, **totals,
        "still_resident_plus_moved_away":
            f["immigrants_still_resident"] + f["immigrants_moved_away"],
        "direct_plus_from_other_municipality":
            f["immigrants_direct_from_abroad"] + f["immigrants_from_other_municipality"],
        "residents_direct_plus_from_other_municipality":
            f["residents_direct_from_abroad"] + f["residents_from_other_municipality"],
        "residents_women_plus_men": f["residents_women"] + f["residents_men"],
        "refugees_men_plus_women": f["refugees_received_men"] + f["refugees_received_women"],
        "top15_share_pct_error": abs(f["top15_share_pct"] - recomputed),
        "resident_change_pct": _resident_change_pct(con, month, still),
    }
    expects = [Expect("ExpectColumnPairValuesToBeEqual", {"column_A": a, "column_B": b}, why)
               for a, b, why in KEY_FIGURE_SUMS]
    expects += [Expect("ExpectColumnPairValuesAToBeGreaterThanB",
                       {"column_A": a, "column_B": b, "or_equal": True}, why)
                for a, b, why in KEY_FIGURE_PARTS]
    expects.append(Expect(
        "ExpectColumnValuesToBeBetween",
        {"column": "top15_share_pct_error", "min_value": 0, "max_value": 0.05 + 1e-9},
        "top15_share_pct is the top-15 table's persons as a percentage of the current immigrant "
        "residents, rounded to one decimal: recomputed from report.residents_top_citizenships "
        "it may differ by rounding only."))
    expects.append(Expect(
        "ExpectColumnValuesToBeBetween",
        {"column": "resident_change_pct", "min_value": -RESIDENT_BAND_PCT,
         "max_value": RESIDENT_BAND_PCT},
        f"Current immigrant residents change by a few percent from one monthly delivery to the "
        f"next (arrivals and departures of one month); a change of more than "
        f"{RESIDENT_BAND_PCT:.0f} % against the previous delivery in the warehouse suggests a "
        f"partial or wrong extract. 0 when there is no earlier delivery."))
    return pd.DataFrame([row]), expects


RESIDENT_BAND_PCT = 10.0


def _resident_change_pct(con, month: str, still: float) -> float:
    """Percent change of immigrants_still_resident against the latest earlier delivery."""
    prev = con.execute(
        "SELECT value FROM report.key_figures WHERE figure = 'immigrants_still_resident' "
        "AND delivery_month < ? ORDER BY delivery_month DESC LIMIT 1", [month]).fetchall()
    if not prev or not prev[0][0]:
        return 0.0
    return round(100.0 * (still - prev[0][0]) / prev[0][0], 2)


SUITES = [
    Suite("residence_spell", "core.residence_spell",
          "Spells of one person do not overlap, start <= end, municipality codes are known.",
          _residence_spell, id_columns=("person_key", "spell_no")),
    Suite("benefit_spell", "core.benefit_spell",
          "DREAM codes are in ref.dream_code, spells have >= 1 week and a CPR person, and no "
          "benefit week lies before birth or before a first-time immigration.",
          _benefit_spell, id_columns=("person_key", "first_iso_week")),
    Suite("residents_by_age_sex", "report.residents_by_age_sex",
          "Exactly the 8 age bands, total = women + men, percentages sum to ~100.",
          _residents_by_age_sex),
    Suite("key_figures", "report.key_figures",
          "Key figures add up (still resident + moved away = lived here, …) and match the "
          "totals of the other report tables.",
          _key_figures),
]


# --- running a suite ------------------------------------------------------------------------

@dataclass
class GeOutcome:
    suite: str
    month: str
    rows: int
    success: bool
    statistics: dict
    failed: list[dict]
    data_docs_index: Path

    def failed_markdown(self) -> str:
        if not self.failed:
            return "All expectations met."
        lines = ["| expectation | columns | unexpected | sample / observed | reason |",
                 "|---|---|---|---|---|"]
        for f in self.failed:
            cells = [f["expectation"], f["columns"], str(f["unexpected_count"]),
                     f["sample"], f["reason"]]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        return "\n".join(lines)

    def to_check_result(self, table: str | None = None,
                        check_name: str | None = None) -> dg.AssetCheckResult:
        s = self.statistics
        return dg.AssetCheckResult(
            asset_key=key(table) if table else None, check_name=check_name,
            passed=self.success,
            severity=dg.AssetCheckSeverity.WARN,
            description=f"{self.suite} {self.month}: {s.get('successful_expectations', 0)} of "
                        f"{s.get('evaluated_expectations', 0)} expectations met",
            metadata={
                "rows": self.rows,
                "evaluated_expectations": int(s.get("evaluated_expectations", 0)),
                "unsuccessful_expectations": int(s.get("unsuccessful_expectations", 0)),
                "failed_expectations": dg.MetadataValue.md(self.failed_markdown()),
                "data_docs": dg.MetadataValue.path(str(self.data_docs_index)),
            },
        )


def data_docs_path(warehouse_path: str, configured: str | os.PathLike | None = None) -> Path:
    """Folder for Data Docs: `configured`, else $INTEGRATION_DATA_DOCS, else beside the
    warehouse file (`warehouse/data_docs/` for the default warehouse)."""
    if configured:
        return Path(configured)
    if os.environ.get(DATA_DOCS_ENV):
        return Path(os.environ[DATA_DOCS_ENV])
    base = Path(warehouse_path).parent if warehouse_path != ":memory:" else Path("warehouse")
    return base / "data_docs"


def _plain(value) -> str:
    """A GE result value for people: dates as YYYY-MM-DD, numpy scalars unwrapped."""
    if isinstance(value, tuple):
        return "(" + ", ".join(_plain(v) for v in value) + ")"
    if isinstance(value, (np.datetime64, pd.Timestamp)):
        ts = pd.Timestamp(value)
        return str(ts.date()) if ts == ts.normalize() else str(ts)
    if isinstance(value, np.generic):
        return str(value.item())
    return str(value)


def _summary(result, id_columns: tuple[str, ...]) -> dict:
    cfg = result.expectation_config
    kw = cfg.kwargs
    columns = ", ".join(str(kw[k]) for k in ("column", "column_A", "column_B") if k in kw)
    r = result.result or {}
    if id_columns and r.get("partial_unexpected_index_list"):
        # rows named by their id columns: "person_key=…, spell_no=2: overlaps_earlier_spell=True"
        distinct = list(dict.fromkeys(
            ", ".join(f"{c}={_plain(row.get(c))}" for c in id_columns) + ": "
            + ", ".join(f"{k}={_plain(v)}" for k, v in row.items() if k not in id_columns)
            for row in r["partial_unexpected_index_list"]))
        sample = "; ".join(distinct[:MAX_SAMPLE])
    elif "partial_unexpected_list" in r:
        distinct = list(dict.fromkeys(_plain(v) for v in r["partial_unexpected_list"]))
        sample = ", ".join(distinct[:MAX_SAMPLE])
    else:
        sample = _plain(r.get("observed_value", ""))
    if result.exception_info and result.exception_info.get("raised_exception"):
        sample = "error: " + str(result.exception_info.get("exception_message"))[:200]
    return {"expectation": cfg.type, "columns": columns,
            "unexpected_count": r.get("unexpected_count", ""), "sample": sample,
            "reason": (cfg.meta or {}).get("reason", "")}


def run_suite(name: str, month: str, df: pd.DataFrame, expects: list[Expect],
              docs_dir: Path, id_columns: tuple[str, ...] = ()) -> GeOutcome:
    """Validate `df` against `expects` as GE suite `name`, store the result in the GE project
    under `docs_dir/gx/` and update the Data Docs site in `docs_dir`."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import great_expectations as gx
    import great_expectations.expectations as gxe
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.base import ProgressBarsConfig

    docs_dir = Path(docs_dir).resolve()
    docs_dir.mkdir(parents=True, exist_ok=True)
    ctx = gx.get_context(mode="file", project_root_dir=str(docs_dir))
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False)
    site = {"class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                              "base_directory": str(docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"}}
    if DATA_DOCS_SITE not in ctx.get_site_names():
        ctx.add_data_docs_site(site_name=DATA_DOCS_SITE, site_config=site)
    elif ctx.variables.data_docs_sites[DATA_DOCS_SITE] != site:   # the folder was moved
        ctx.update_data_docs_site(site_name=DATA_DOCS_SITE, site_config=site)

    source = f"warehouse__{name}"
    ds = (ctx.data_sources.get(source) if source in ctx.data_sources.all()
          else ctx.data_sources.add_pandas(source))
    asset = ds.get_asset(name) if name in ds.get_asset_names() else ds.add_dataframe_asset(name)
    batch = next((b for b in asset.batch_definitions if b.name == "partition"), None) \
        or asset.add_batch_definition_whole_dataframe("partition")
    expectations = [getattr(gxe, e.type)(**e.kwargs, notes=e.reason, meta={"reason": e.reason})
                    for e in expects]
    suite = ctx.suites.add_or_update(gx.ExpectationSuite(name=name, expectations=expectations))
    vd = ctx.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=name, data=batch, suite=suite))
    checkpoint = ctx.checkpoints.add_or_update(gx.Checkpoint(
        name=name, validation_definitions=[vd],
        actions=[gx.checkpoint.UpdateDataDocsAction(name="update_data_docs",
                                                    site_names=[DATA_DOCS_SITE])],
        result_format={"result_format": "SUMMARY",
                       "unexpected_index_column_names": list(id_columns)}))
    result = checkpoint.run(batch_parameters={"dataframe": df},
                            run_id=RunIdentifier(run_name=month))
    validation = next(iter(result.run_results.values()))
    failed = [_summary(r, id_columns) for r in validation.results if not r.success]
    return GeOutcome(suite=name, month=month, rows=len(df), success=bool(result.success),
                     statistics=dict(validation.statistics), failed=failed,
                     data_docs_index=docs_dir / "index.html")


def run_expectation_check(warehouse: WarehouseResource, suite: Suite, month: str,
                          data_docs_dir: str | None = None) -> dg.AssetCheckResult:
    """The body of the `ge_<suite>` check for one month (callable without Dagster): prepare the
    frame in DuckDB, close the connection, then validate and update Data Docs."""
    with warehouse.get_connection() as con:
        df, expects = suite.build(con, month)
    docs = data_docs_path(warehouse.path(), data_docs_dir)
    return run_suite(suite.name, month, df, expects, docs, suite.id_columns).to_check_result(
        suite.table, suite.check_name)


def expectation_checks(data_docs_dir: str | None = None) -> list[dg.AssetChecksDefinition]:
    """WARN `ge_<suite>` checks, one per suite in SUITES, evaluated in one step (GE is imported
    once); Data Docs go to `data_docs_dir` (see `data_docs_path` for the default)."""
    with warnings.catch_warnings():   # partitions_def on a check: a Dagster preview, on purpose
        warnings.simplefilter("ignore", dg.PreviewWarning)
        specs = [dg.AssetCheckSpec(
            suite.check_name, asset=key(suite.table), blocking=False,
            partitions_def=monthly_partitions,
            description=f"great-expectations suite '{suite.name}' (warns): {suite.description} "
                        "Failed expectations and a link to Data Docs are in the metadata.")
            for suite in SUITES]

        @dg.multi_asset_check(name="expectation_suites", specs=specs, pool=POOL,
                              can_subset=True,
                              description="great-expectations suites (warn) with Data Docs.")
        def expectation_suites(context: dg.AssetCheckExecutionContext,
                               warehouse: WarehouseResource):
            selected = set(context.selected_asset_check_keys)
            for suite in SUITES:
                if dg.AssetCheckKey(key(suite.table), suite.check_name) in selected:
                    yield run_expectation_check(warehouse, suite, context.partition_key,
                                                data_docs_dir)

    return [expectation_suites]
