-- report.refugees_by_arrival_year: refugees received by the year their first spell here
-- started; adults and their job/education status at the status week (censored left out).
with final as (
    select
        $month as delivery_month,
        $municipality as municipality_code,
        arrival_year::integer as arrival_year,
        count(*) as persons,
        count(*) filter (where is_adult_at_status_date) as adults,
        count(*) filter (where is_adult_at_status_date
                         and status_at_status_week in ('job', 'education'))
            as self_supporting_job_or_education
    from core.refugee_received
    where delivery_month = $month
    group by arrival_year
    order by arrival_year
)
select * from final
