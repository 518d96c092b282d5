-- report.residents_top_citizenships: top 15 citizenships (on the residence date) of the
-- current immigrant residents; ties by Danish name in Danish alphabetical order.
with counts as (
    select
        citizenship_code,
        report.country_name(citizenship_code) as citizenship_name,
        count(*) as persons
    from core.immigrant
    where delivery_month = $month and is_still_resident
    group by citizenship_code
),

ranked as (
    select
        *,
        row_number() over (order by persons desc,
                                    report.danish_sort_key(citizenship_name),
                                    citizenship_code) as rank
    from counts
),

final as (
    select
        $month as delivery_month,
        $municipality as municipality_code,
        rank::integer as rank,
        citizenship_code,
        citizenship_name,
        persons
    from ranked
    where rank <= 15
    order by rank
)
select * from final
