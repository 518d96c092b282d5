-- core.employment_month: DREAM monthly employment (degree of full time and DB07 industry).
-- A view over raw.dream__employment_months (all delivery months) with the person key of each
-- DREAM line from raw.dream__persons: the rows are the raw rows plus derived columns, so a copy
-- of ~50M rows per national month would buy nothing.
with final as (
    select
        e.delivery_month,
        p.person_key,
        e.year,
        e.month,
        make_date(e.year, e.month, 1) as month_start,
        e.employment_degree,
        e.industry_code,
        coalesce(e.employment_degree, 0) > 0 as is_employed
    from raw.dream__employment_months e
    -- left: a line without its key would show as a NULL person_key (schema check), not vanish
    left join raw.dream__persons p using (delivery_month, source_line)
)
select * from final
