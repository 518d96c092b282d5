-- core.migration: immigrations and emigrations (024 history, 005 current emigration), with the
-- citizenship in effect on the immigration date.
with migrations as (
    select * from raw.cpr__migrations where delivery_month = $month
),

final as (
    select
        delivery_month,
        person_key,
        record_type,
        -- first_immigration: 024 with INDR only; emigration_reentry: 024 with UDR and INDR;
        -- emigration: 024 with UDR only; current_emigration: 005
        migration_type,
        emigration_country_code,
        emigration_date,
        immigration_country_code,
        immigration_date,
        case when immigration_date is not null
             then core.citizenship_on($month, person_key, immigration_date)
        end as citizenship_at_immigration,
        source_line
    from migrations
)
select * from final
