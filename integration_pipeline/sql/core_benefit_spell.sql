-- core.benefit_spell: DREAM weekly codes collapsed to spells of consecutive ISO weeks with the
-- same code (gaps and islands on a running week number).
-- The running week number comes from a small calendar table joined on (iso_year, iso_week)
-- instead of a date computation on every weekly row.
with calendar as (
    select
        y.range::smallint as iso_year,
        w.range::tinyint as iso_week,
        date_diff('day', date '1990-01-01', core.iso_week_monday(y.range, w.range)) // 7
            as week_no
    from range(1900, 2101) y, range(1, 54) w
    where w.range < 53
       or core.iso_week_monday(y.range, 53) < core.iso_week_monday(y.range + 1, 1)
),

weeks as (
    select b.person_key, b.benefit_code, c.week_no
    from raw.dream__benefit_weeks b
    join calendar c using (iso_year, iso_week)
    where b.delivery_month = $month
),

numbered as (
    select
        *,
        -- week number minus the row's rank within (person, code): constant along a run of
        -- consecutive weeks
        week_no - row_number() over (partition by person_key, benefit_code order by week_no)
            as island
    from weeks
),

spells as (
    select
        person_key,
        benefit_code,
        date '1990-01-01' + (7 * min(week_no))::integer as first_week_start,
        date '1990-01-01' + (7 * max(week_no))::integer as last_week_start,
        count(*) as weeks
    from numbered
    group by person_key, benefit_code, island
),

final as (
    select
        $month as delivery_month,
        s.person_key,
        s.benefit_code,
        c.benefit_group,
        strftime(s.first_week_start, '%G-W%V') as first_iso_week,
        strftime(s.last_week_start, '%G-W%V') as last_iso_week,
        s.first_week_start,
        s.last_week_start + 6 as last_week_end,
        s.weeks
    from spells s
    left join ref.dream_code c using (benefit_code)
)
select * from final
