-- One-off migration of a warehouse written before issue 8: raw.dream__benefit_weeks from one row
-- per person-week to one row per run of consecutive ISO weeks with one code (the same weeks,
-- fewer rows). Runs inside the caller's transaction, before warehouse_ddl.sql creates the new
-- table; the caller then moves migrate_benefit_runs into it.
create temp table migrate_benefit_runs as
with weeks as (
    select
        *,
        date_diff('day', date '1900-01-01',
                  make_date(iso_year, 1, 4) - (isodow(make_date(iso_year, 1, 4)) - 1)::integer
                  + 7 * (iso_week - 1)::integer) // 7 as week_no
    from raw.dream__benefit_weeks
),

islands as (
    select
        *,
        week_no - row_number() over (
            partition by delivery_month, source_line, benefit_code order by week_no
        ) as island
    from weeks
)

select
    delivery_month,
    person_key,
    arg_min(iso_year, week_no)::smallint as first_iso_year,
    arg_min(iso_week, week_no)::tinyint as first_iso_week,
    count(*)::smallint as weeks,
    benefit_code,
    source_line
from islands
group by delivery_month, person_key, source_line, benefit_code, island;

drop table raw.dream__benefit_weeks
