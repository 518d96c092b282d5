-- report.refugee_followup: adult refugees received (alive at the status date, censored left
-- out) by time since arrival at the status date, and the share in job or education.
with bands(months_since_arrival_band, sort_order, from_months, to_months) as (
    values ('0-11 mdr.', 1, 0, 11), ('12-23 mdr.', 2, 12, 23), ('24-35 mdr.', 3, 24, 35),
           ('36-47 mdr.', 4, 36, 47), ('48+ mdr.', 5, 48, 100000)
),

adults as (
    select
        date_diff('month', arrival_date, status_date)
        - case when day(status_date) < day(arrival_date) then 1 else 0 end as months,
        status_at_status_week as status
    from core.refugee_received
    where delivery_month = $month and is_adult_at_status_date
      and status_at_status_week <> 'censored'
      and arrival_date <= status_date
),

final as (
    select
        $month as delivery_month,
        $municipality as municipality_code,
        b.months_since_arrival_band,
        b.sort_order::integer as sort_order,
        count(a.months) as persons,
        count(a.months) filter (where a.status in ('job', 'education')) as job_or_education,
        coalesce(round(100.0 * count(a.months) filter (where a.status in ('job', 'education'))
                       / nullif(count(a.months), 0), 1), 0)::double as share_pct
    from bands b
    left join adults a on a.months between b.from_months and b.to_months
    group by b.months_since_arrival_band, b.sort_order
    order by b.sort_order
)
select * from final
