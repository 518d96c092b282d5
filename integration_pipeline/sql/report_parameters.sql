-- report.parameters: the parameters the month's report tables were computed with.
with final as (
    select
        $month as delivery_month,
        $municipality as municipality_code,
        $period_start::date as period_start,
        $residence_date::date as residence_date,
        printf('%d-W%02d', $status_year, $status_week) as status_week,
        $status_date::date as status_date
)
select * from final
