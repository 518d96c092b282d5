-- Macro core.citizenship_on (needs core.citizenship_spell).
-- Citizenship in effect on a date (spec extracts.md): the 027 record whose [HAENSTART, HAENSLUT)
-- covers it, else the 010 record if its HAENSTART <= the date. Project choice when neither
-- applies: the earliest citizenship registered after the date (registration lag), else the
-- latest one that ended before it.
create or replace macro core.citizenship_on(month, pkey, on_date) as (
    select country_code
    from core.citizenship_spell c
    where c.delivery_month = month and c.person_key = pkey
    order by
        case
            when c.record_type = '027' and c.valid_from <= on_date
                 and (c.valid_to is null or on_date < c.valid_to) then 1
            when c.record_type = '010' and (c.valid_from is null or c.valid_from <= on_date) then 2
            when c.valid_from > on_date then 3
            else 4
        end,
        case when c.valid_from > on_date then c.valid_from end asc nulls last,
        c.valid_from desc nulls last
    limit 1
);
