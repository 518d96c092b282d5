-- core.benefit_spell: DREAM benefit spells, i.e. maximal runs of consecutive ISO weeks with the
-- same code. raw.dream__benefit_weeks already stores the weeks run-length encoded (one row per
-- run), so a spell is a raw row with its person key (raw.dream__persons), dates, ISO week labels
-- and benefit group: a view over the raw rows of all delivery months (a copy would store ~11M
-- runs twice per national month). Dates and labels come from a small calendar of ISO weeks
-- (joined twice) instead of being computed on every row.
with calendar as (
    select
        y.range::smallint as iso_year,
        w.range::tinyint as iso_week,
        core.iso_week_monday(y.range, w.range) as monday,
        date_diff('day', date '1900-01-01', core.iso_week_monday(y.range, w.range)) // 7
            as week_no,
        printf('%d-W%02d', y.range, w.range) as label
    from range(1900, 2101) y, range(1, 54) w
    where w.range < 53
       or core.iso_week_monday(y.range, 53) < core.iso_week_monday(y.range + 1, 1)
),

runs as (
    select
        b.delivery_month,
        b.source_line,
        b.benefit_code,
        b.weeks,
        c.monday as first_week_start,
        c.label as first_iso_week,
        c.week_no + b.weeks - 1 as last_week_no
    from raw.dream__benefit_weeks b
    join calendar c
        on c.iso_year = b.first_iso_year and c.iso_week = b.first_iso_week
),

spells as (
    select
        r.delivery_month,
        r.source_line,
        r.benefit_code,
        g.benefit_group,
        r.first_iso_week,
        l.label as last_iso_week,
        r.first_week_start,
        l.monday + 6 as last_week_end,
        r.weeks::bigint as weeks
    from runs r
    join calendar l on l.week_no = r.last_week_no
    left join ref.dream_code g using (benefit_code)
),

final as (
    -- the person key last: a filter on the dates (core.status_at) reaches the spells before
    -- this join, so only the matching spells look up their key
    select
        s.delivery_month,
        p.person_key,
        s.benefit_code,
        s.benefit_group,
        s.first_iso_week,
        s.last_iso_week,
        s.first_week_start,
        s.last_week_end,
        s.weeks
    from spells s
    -- left: a line without its key would show as a NULL person_key (schema check), not vanish
    left join raw.dream__persons p using (delivery_month, source_line)
)

select * from final
