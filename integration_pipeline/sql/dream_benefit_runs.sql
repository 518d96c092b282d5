-- raw.dream__benefit_weeks rows from the general reader: the non-empty week cells of each kept
-- row (stg_dream_week_cells: source_line, idx, benefit_code; idx = the week column's index in
-- calendar order, named so by the UNPIVOT) run-length encoded, one row per run of consecutive
-- week columns with the same code (gaps and islands on the column index).
-- stg_dream_week_columns (idx, col, iso_year, iso_week) dates the runs; the week columns are
-- consecutive ISO weeks (checked on the header), so idx counts weeks.
with islands as (
    select
        *,
        -- constant along a run of consecutive columns with one code
        idx - row_number() over (partition by source_line, benefit_code order by idx) as island
    from stg_dream_week_cells
),

runs as (
    select source_line, benefit_code, min(idx) as first_idx, count(*) as weeks
    from islands
    group by source_line, benefit_code, island
)

select
    w.iso_year as first_iso_year,
    w.iso_week as first_iso_week,
    r.weeks::smallint as weeks,
    r.benefit_code,
    r.source_line
from runs r
join stg_dream_week_columns w on w.idx = r.first_idx
