-- core.employment_month: DREAM monthly employment (degree of full time and DB07 industry).
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
    where delivery_month = $month
)
select * from final
