-- core.employment_month: DREAM monthly employment (degree of full time and DB07 industry).
-- A view over raw.dream__employment_months (all delivery months): the rows are the raw rows
-- plus two derived columns, so a copy of ~50M rows per national month would buy nothing.
with final as (
    select
        delivery_month,
        person_key,
        year,
        month,
        make_date(year, month, 1) as month_start,
        employment_degree,
        industry_code,
        coalesce(employment_degree, 0) > 0 as is_employed
    from raw.dream__employment_months
)
select * from final
