-- Danish alphabetical sort key: case-insensitive, æ ø å after z (ä and ö sort as æ and ø,
-- ü as y). Used for ties in the top-15 table.
create or replace macro report.danish_sort_key(s) as
    translate(lower(s), 'æøåäöüé', '{|}{|ye');

-- Country name as the CPR table prints it; an unknown code is reported, never dropped.
create or replace macro report.country_name(code) as
    coalesce((select name_da from ref.country c where c.country_code = code),
             'Ukendt land (' || coalesce(code, 'ingen') || ')');
