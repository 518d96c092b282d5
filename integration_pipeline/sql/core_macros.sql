-- Macros used by the core and report SQL, kept in the warehouse so analysts can use them too.
-- Completed years on a date; a birthday counts on the day itself (29 Feb: from 1 Mar).
create or replace macro core.age_on(birth_date, on_date) as
    date_part('year', on_date) - date_part('year', birth_date)
    - case when strftime(on_date, '%m%d') < strftime(birth_date, '%m%d') then 1 else 0 end;

-- Monday of an ISO week (4 January always lies in week 1).
create or replace macro core.iso_week_monday(iso_year, iso_week) as
    make_date(iso_year, 1, 4) - (isodow(make_date(iso_year, 1, 4)) - 1)::integer
    + 7 * (iso_week - 1)::integer;
