-- core.refugee_received: refugees received by the municipality (spec report.md, Cohorts).
-- A person with an 'Asyl mv.' permit whose first municipality spell starting on or after the
-- earliest asylum permit date is in the municipality and starts within
-- [period start, residence date]. Counted whether or not they still live there.
with asylum as (
    select person_key, min(permit_date) as first_asylum_date
    from core.residence_permit
    where delivery_month = $month and category = 'Asyl mv.'
    group by person_key
),

first_spell_after_permit as (
    select s.*, a.first_asylum_date
    from core.residence_spell s
    join asylum a using (person_key)
    where s.delivery_month = $month and s.start_date >= a.first_asylum_date
    qualify row_number() over (partition by s.person_key order by s.start_date, s.spell_no) = 1
),

received as (
    select *
    from first_spell_after_permit
    where municipality_code = $municipality
      and start_date between $period_start and $residence_date
),

resident as (
    select distinct person_key
    from core.residence_spell
    where delivery_month = $month and municipality_code = $municipality
      and start_date <= $residence_date
      and (end_date is null or end_date > $residence_date)
),

status as (
    select person_key, benefit_code, status
    from core.status_at($month, $status_year, $status_week)
),

final as (
    select
        $month as delivery_month,
        $municipality as municipality_code,
        r.person_key,
        r.first_asylum_date,
        r.start_date as arrival_date,
        year(r.start_date)::integer as arrival_year,
        p.sex,
        p.birth_date,
        p.death_date,
        -- citizenship on the residence date; the dead keep their last one
        core.citizenship_on($month, r.person_key,
                            least($residence_date, coalesce(p.death_date, $residence_date)))
            as citizenship_code,
        core.age_on(p.birth_date, $status_date) as age_at_status_date,
        p.death_date is null or p.death_date > $status_date as is_alive_at_status_date,
        (p.death_date is null or p.death_date > $status_date)
            and core.age_on(p.birth_date, $status_date) >= 18 as is_adult_at_status_date,
        (p.death_date is null or p.death_date > $residence_date)
            and rs.person_key is not null as is_still_resident,
        st.benefit_code as status_week_benefit_code,
        st.status as status_at_status_week,
        $status_date as status_date,
        $residence_date as residence_date
    from received r
    join core.person p on p.delivery_month = $month and p.person_key = r.person_key
    left join resident rs on rs.person_key = r.person_key
    left join status st on st.person_key = r.person_key
)
select * from final
