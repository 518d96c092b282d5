-- core.residence_permit: first-time permits with the residence group of their category.
with permits as (
    select * from raw.permits__residence_permits where delivery_month = $month
),

final as (
    select
        p.delivery_month,
        p.person_key,
        p.permit_date,
        p.category,
        c.residence_group,
        p.grundlag,
        p.forklar,
        p.citizenship_code,
        row_number() over (partition by p.person_key order by p.permit_date, p.source_line)
            as permit_no,
        p.source_line
    from permits p
    left join ref.permit_category c using (category)
)
select * from final
