-- core.benefit_spell: DREAM weekly codes collapsed to spells of consecutive ISO weeks with the
-- same code (gaps and islands on a running week number).
with weeks as (
    select
        person_key,
        benefit_code,
        iso_year,
        iso_week,
        core.iso_week_monday(iso_year, iso_week) as week_start
    from raw.dream__benefit_weeks
    where delivery_month = $month
),

numbered as (
    select
        *,
        -- weeks since Monday 1990-01-01, minus the row's rank within (person, code):
        -- constant along a run of consecutive weeks
        date_diff('day', date '1990-01-01', week_start) // 7
        - row_number() over (partition by person_key, benefit_code order by week_start)
            as island
    from weeks
),

spells as (
    select
        person_key,
        benefit_code,
        min(week_start) as first_week_start,
        max(week_start) as last_week_start,
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
