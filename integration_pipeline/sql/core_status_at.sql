-- Table macro core.status_at (needs core.person, core.benefit_spell, core.employment_month).
-- Status of every person of a delivery in one ISO week (spec report.md, "Status at the status
-- week"): the week's DREAM code and the employment degree of the month holding the week's
-- Thursday; first match of public_support, education, job (degree > 0), else
-- self_supporting_no_income. A censoring code (997 emigrated, 998 dead) gives 'censored':
-- such persons are left out of status tables.
create or replace macro core.status_at(dm, yr, wk) as table
    with week as (
        select core.iso_week_monday(yr, wk) as monday,
               core.iso_week_monday(yr, wk) + 3 as thursday
    )
    select
        p.delivery_month,
        p.person_key,
        week.monday as week_start,
        b.benefit_code,
        b.benefit_group,
        e.employment_degree,
        case
            when b.benefit_group = 'censored' then 'censored'
            when b.benefit_group = 'public_support' then 'public_support'
            when b.benefit_group = 'education' then 'education'
            when coalesce(e.employment_degree, 0) > 0 then 'job'
            else 'self_supporting_no_income'
        end as status
    from core.person p
    cross join week
    left join (
        -- the spells covering the week, filtered before the join; a constant bound (not a
        -- join with `week`) reaches the view's spells before their person-key lookup
        select s.*
        from core.benefit_spell s
        where s.delivery_month = dm
          and core.iso_week_monday(yr, wk) between s.first_week_start and s.last_week_end
    ) b
        on b.delivery_month = p.delivery_month and b.person_key = p.person_key
    left join core.employment_month e
        on e.delivery_month = p.delivery_month and e.person_key = p.person_key
       and e.year = year(week.thursday) and e.month = month(week.thursday)
    where p.delivery_month = dm;
