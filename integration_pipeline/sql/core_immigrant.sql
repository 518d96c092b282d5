-- core.immigrant: immigrants (not refugees) who lived in the municipality (spec report.md).
-- Persons with no 'Asyl mv.' permit and an immigration (024 with INDRDTO: first immigration or
-- re-entry) in [period start, residence date], not Danish (5100) on that date, with a
-- municipality spell here overlapping [immigration date, residence date]. The earliest such
-- immigration counts.
with asylum_persons as (
    select distinct person_key
    from core.residence_permit
    where delivery_month = $month and category = 'Asyl mv.'
),

spells_here as (
    select *
    from core.residence_spell
    where delivery_month = $month and municipality_code = $municipality
),

qualifying as (
    select m.person_key, m.immigration_date, m.immigration_country_code,
           m.citizenship_at_immigration
    from core.migration m
    where m.delivery_month = $month
      and m.immigration_date between $period_start and $residence_date
      -- unknown citizenship counts as not Danish
      and coalesce(m.citizenship_at_immigration, '') <> '5100'
      and m.person_key not in (select person_key from asylum_persons)
      and exists (
          select 1 from spells_here s
          where s.person_key = m.person_key
            and s.start_date <= $residence_date
            and (s.end_date is null or s.end_date >= m.immigration_date)
      )
    qualify row_number() over (partition by m.person_key order by m.immigration_date) = 1
),

first_spell_after as (
    select q.person_key, s.municipality_code, s.start_date
    from qualifying q
    join core.residence_spell s
        on s.delivery_month = $month and s.person_key = q.person_key
       and s.start_date >= q.immigration_date
    qualify row_number() over (partition by q.person_key order by s.start_date, s.spell_no) = 1
),

resident as (
    select distinct person_key
    from spells_here
    where start_date <= $residence_date
      and (end_date is null or end_date > $residence_date)
),

family as (
    select distinct person_key
    from core.residence_permit
    where delivery_month = $month and category = 'Familiesammenføring'
),

status as (
    select person_key, benefit_code, status
    from core.status_at($month, $status_year, $status_week)
),

final as (
    select
        $month as delivery_month,
        $municipality as municipality_code,
        q.person_key,
        q.immigration_date,
        q.immigration_country_code,
        q.citizenship_at_immigration,
        coalesce(f.municipality_code = $municipality, false) as is_direct_from_abroad,
        (p.death_date is null or p.death_date > $residence_date)
            and r.person_key is not null as is_still_resident,
        fam.person_key is not null as is_family_reunified,
        p.sex,
        p.birth_date,
        p.death_date,
        core.citizenship_on($month, q.person_key,
                            least($residence_date, coalesce(p.death_date, $residence_date)))
            as citizenship_code,
        core.age_on(p.birth_date, $residence_date) as age_at_residence_date,
        core.age_on(p.birth_date, $status_date) as age_at_status_date,
        -- as in core.refugee_received: alive on the status date and 18 or older
        (p.death_date is null or p.death_date > $status_date)
            and core.age_on(p.birth_date, $status_date) >= 18 as is_adult_at_status_date,
        st.benefit_code as status_week_benefit_code,
        st.status as status_at_status_week,
        $status_date as status_date,
        $residence_date as residence_date
    from qualifying q
    join core.person p on p.delivery_month = $month and p.person_key = q.person_key
    left join first_spell_after f on f.person_key = q.person_key
    left join resident r on r.person_key = q.person_key
    left join family fam on fam.person_key = q.person_key
    left join status st on st.person_key = q.person_key
)
select * from final
