-- report.refugees_by_citizenship: refugees received by citizenship on the residence date
-- (the dead under their last citizenship), one row per country.
with final as (
    select
        $month as delivery_month,
        $municipality as municipality_code,
        citizenship_code,
        report.country_name(citizenship_code) as citizenship_name,
        count(*) filter (where sex = 'K') as women,
        count(*) filter (where sex = 'M') as men,
        count(*) as persons
    from core.refugee_received
    where delivery_month = $month
    group by citizenship_code
    order by persons desc, report.danish_sort_key(report.country_name(citizenship_code))
)
select * from final
