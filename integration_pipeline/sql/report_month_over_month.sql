-- report.month_over_month: the report's headline figures for the last 12 deliveries up to
-- this one that are in the warehouse (one row per source delivery month).
with months as (
    select distinct delivery_month as source_month
    from report.key_figures
    where delivery_month <= $month and municipality_code = $municipality
    order by source_month desc
    limit 12
),

figures as (
    select delivery_month as source_month,
           max(value) filter (where figure = 'immigrants_still_resident') as residents,
           max(value) filter (where figure = 'refugees_received') as refugees_received
    from report.key_figures
    where municipality_code = $municipality
    group by delivery_month
),

-- arrivals in the source month itself: immigrants by immigration date, refugees by spell start
arrivals as (
    select delivery_month as source_month, count(*) as arrivals
    from (
        select delivery_month, immigration_date as arrived from core.immigrant
        where municipality_code = $municipality
        union all
        select delivery_month, arrival_date from core.refugee_received
        where municipality_code = $municipality
    )
    where strftime(arrived, '%Y-%m') = delivery_month
    group by delivery_month
),

status as (
    select delivery_month as source_month,
           sum(persons) filter (where status = 'job') as job,
           sum(persons) filter (where status = 'education') as education,
           sum(persons) filter (where status = 'self_supporting_no_income')
               as self_supporting_no_income,
           sum(persons) filter (where status = 'public_support') as public_support
    from report.adult_status
    where cohort = 'immigrants' and municipality_code = $municipality
    group by delivery_month
),

final as (
    select
        $month as delivery_month,
        $municipality as municipality_code,
        m.source_month,
        coalesce(f.residents, 0)::bigint as residents,
        coalesce(a.arrivals, 0)::bigint as arrivals,
        coalesce(f.refugees_received, 0)::bigint as refugees_received,
        coalesce(s.job, 0)::bigint as job,
        coalesce(s.education, 0)::bigint as education,
        coalesce(s.self_supporting_no_income, 0)::bigint as self_supporting_no_income,
        coalesce(s.public_support, 0)::bigint as public_support
    from months m
    left join figures f using (source_month)
    left join arrivals a using (source_month)
    left join status s using (source_month)
    order by m.source_month
)
select * from final
