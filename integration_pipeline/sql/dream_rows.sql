-- DREAM row-level quarantine (spec extracts.md "Bad input"): a PNR that is not 10 digits, one
-- that is not in the CPR extract, or one on two rows (all its rows). Reads stg_dream_lines
-- (source_line, pnr), stg_dream_pnr_keys (pnr, person_key) and stg_dream_cpr_keys (person_key).
create or replace temp table stg_dream_rows as
select
    l.source_line,
    l.pnr,
    k.person_key,
    case when coalesce(l.pnr, '') !~ '^[0-9]{10}$' then 'pnr_invalid'  -- empty = NULL
         when c.person_key is null then 'pnr_not_in_cpr'
         when count(*) over (partition by k.person_key) > 1 then 'duplicate_pnr'
    end as rule
from stg_dream_lines l
left join stg_dream_pnr_keys k on k.pnr = l.pnr
left join stg_dream_cpr_keys c on c.person_key = k.person_key;

create or replace temp table stg_dream_quarantine as
select
    source_line,
    'row' as record_type,
    rule,
    'PNR' as field,
    case rule when 'pnr_invalid' then 'PNR is not 10 digits'
              when 'pnr_not_in_cpr' then 'PNR is not in the CPR extract'
              else 'PNR appears on more than one row (all its rows quarantined)'
    end as reason,
    person_key
from stg_dream_rows
where rule is not null
