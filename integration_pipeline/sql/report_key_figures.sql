-- report.key_figures: the note's text figures (names are part of the contract).
with refugees as (
    select * from core.refugee_received where delivery_month = $month
),

immigrants as (
    select * from core.immigrant where delivery_month = $month
),

residents as (
    select * from immigrants where is_still_resident
),

top15 as (
    select sum(persons) as persons
    from report.residents_top_citizenships
    where delivery_month = $month
),

figures as (
    select 'refugees_received' as figure, count(*) as value, 1 as ord from refugees
    union all select 'refugees_received_men', count(*) filter (where sex = 'M'), 2 from refugees
    union all select 'refugees_received_women', count(*) filter (where sex = 'K'), 3 from refugees
    union all select 'refugees_adults', count(*) filter (where is_adult_at_status_date), 4
        from refugees
    union all select 'immigrants_lived_here', count(*), 5 from immigrants
    union all select 'immigrants_still_resident', count(*) filter (where is_still_resident), 6
        from immigrants
    union all select 'immigrants_moved_away', count(*) filter (where not is_still_resident), 7
        from immigrants
    union all select 'immigrants_family_reunified', count(*) filter (where is_family_reunified),
        8 from immigrants
    union all select 'immigrants_direct_from_abroad',
        count(*) filter (where is_direct_from_abroad), 9 from immigrants
    union all select 'immigrants_from_other_municipality',
        count(*) filter (where not is_direct_from_abroad), 10 from immigrants
    union all select 'residents_direct_from_abroad',
        count(*) filter (where is_direct_from_abroad), 11 from residents
    union all select 'residents_from_other_municipality',
        count(*) filter (where not is_direct_from_abroad), 12 from residents
    union all select 'residents_women', count(*) filter (where sex = 'K'), 13 from residents
    union all select 'residents_men', count(*) filter (where sex = 'M'), 14 from residents
    union all select 'residents_adults_at_status_date',
        count(*) filter (where is_adult_at_status_date), 15 from residents
    union all select 'top15_share_pct',
        round(100.0 * (select coalesce(persons, 0) from top15) / nullif(count(*), 0), 1), 16
        from residents
),

final as (
    select $month as delivery_month, $municipality as municipality_code, figure,
           coalesce(value, 0)::double as value
    from figures
    order by ord
)
select * from final
