-- core.citizenship_spell: citizenship periods per person, [valid_from, valid_to).
-- 010 = current citizenship (open-ended), 027 = historic (annulled/corrected rows were dropped
-- at ingest).
with final as (
    select
        delivery_month,
        person_key,
        record_type,
        country_code,
        valid_from,
        valid_to,
        record_type = '010' as is_current,
        source_line
    from raw.cpr__citizenships
    where delivery_month = $month
)
select * from final
