-- report.residents_by_age_sex: current immigrant residents by age on the residence date and
-- sex; all eight bands, zeros included.
with bands(age_band, sort_order, age_from, age_to) as (
    values ('0-17', 1, 0, 17), ('18-24', 2, 18, 24), ('25-29', 3, 25, 29),
           ('30-39', 4, 30, 39), ('40-49', 5, 40, 49), ('50-59', 6, 50, 59),
           ('60-65', 7, 60, 65), ('66+', 8, 66, 999)
),

residents as (
    select sex, age_at_residence_date as age
    from core.immigrant
    where delivery_month = $month and is_still_resident
),

counts as (
    select
        b.age_band,
        b.sort_order,
        count(r.age) filter (where r.sex = 'K') as women,
        count(r.age) filter (where r.sex = 'M') as men,
        count(r.age) as total
    from bands b
    left join residents r on r.age between b.age_from and b.age_to
    group by b.age_band, b.sort_order
),

final as (
    select
        $month as delivery_month,
        $municipality as municipality_code,
        age_band,
        sort_order::integer as sort_order,
        women,
        men,
        total,
        coalesce(round(100.0 * total / nullif(sum(total) over (), 0), 1), 0)::double
            as pct_of_total
    from counts
    order by sort_order
)
select * from final
