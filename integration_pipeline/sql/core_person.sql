-- core.person: one row per person in the month's CPR extract (status 30/50 already dropped).
with persons as (
    select * from raw.cpr__persons where delivery_month = $month
),

info as (
    select extract_date from raw.cpr__extract_info where delivery_month = $month
),

current_address as (
    select person_key, municipality_code
    from raw.cpr__addresses
    where delivery_month = $month and record_type = '002'
    qualify row_number() over (partition by person_key order by moved_in_date desc) = 1
),

final as (
    select
        p.delivery_month,
        p.person_key,
        p.sex,
        p.birth_date,
        p.is_birth_date_uncertain,
        p.is_mod11_valid,
        p.has_changed_number,
        p.status as cpr_status,
        p.status_date as cpr_status_date,
        -- dead = CPR status 90 from its STATUSHAENSTART
        case when p.status = '90' then p.status_date end as death_date,
        case when p.status = '80' then p.status_date end as emigration_date,
        core.citizenship_on($month, p.person_key, info.extract_date) as citizenship_code,
        a.municipality_code as current_municipality_code,
        info.extract_date
    from persons p
    cross join info
    left join current_address a using (person_key)
)
select * from final
