-- report.adult_status: status at the status week of adult refugees received and of adult
-- current immigrant residents; censored (997/998 that week) are left out. All four statuses
-- per cohort, zeros included.
with populations as (
    select 'refugees' as cohort, status_at_status_week as status
    from core.refugee_received
    where delivery_month = $month and is_adult_at_status_date
    union all
    select 'immigrants', status_at_status_week
    from core.immigrant
    where delivery_month = $month and is_still_resident and is_adult_at_status_date
),

grid(cohort, cohort_order, status, status_order) as (
    select * from (values ('refugees', 1), ('immigrants', 2)) c(cohort, cohort_order)
    cross join (values ('job', 1), ('education', 2), ('self_supporting_no_income', 3),
                       ('public_support', 4)) s(status, status_order)
),

final as (
    select
        $month as delivery_month,
        $municipality as municipality_code,
        g.cohort,
        g.status,
        count(p.status) as persons
    from grid g
    left join populations p on p.cohort = g.cohort and p.status = g.status
    group by g.cohort, g.cohort_order, g.status, g.status_order
    order by g.cohort_order, g.status_order
)
select * from final
