-- core.residence_spell: municipality spells (spec extracts.md §1). A spell is a maximal run of
-- consecutive addresses (023 history + the open 002) in one municipality with no emigration
-- between them; it starts at the first address's TILFLYDTO and ends at the last one's
-- FRAFLYDTO (open when the last address is the current 002).
with addresses as (
    select person_key, record_type, municipality_code, moved_in_date, moved_out_date,
           from_municipality_code, source_line
    from raw.cpr__addresses
    where delivery_month = $month
),

emigrations as (
    select person_key, emigration_date
    from raw.cpr__migrations
    where delivery_month = $month and emigration_date is not null
),

immigrations as (
    select person_key, immigration_date, immigration_country_code
    from raw.cpr__migrations
    where delivery_month = $month and immigration_date is not null
),

ordered as (
    select
        a.*,
        -- history before the current address on the same move-in date
        row_number() over w as address_no,
        lag(municipality_code) over w as prev_municipality_code,
        lag(moved_in_date) over w as prev_moved_in_date
    from addresses a
    window w as (partition by person_key
                 order by moved_in_date, record_type = '002', source_line)
),

flagged as (
    select
        o.*,
        o.prev_municipality_code is null
        or o.prev_municipality_code <> o.municipality_code
        or exists (
            select 1 from emigrations e
            where e.person_key = o.person_key
              and e.emigration_date > o.prev_moved_in_date
              and e.emigration_date <= o.moved_in_date
        ) as is_spell_start
    from ordered o
),

numbered as (
    select
        *,
        sum(is_spell_start::integer) over (partition by person_key order by address_no)::bigint
            as spell_no
    from flagged
),

spells as (
    -- the spell's last address (highest address_no) gives its end and whether it is current
    select
        person_key,
        spell_no,
        any_value(municipality_code) as municipality_code,
        min(moved_in_date) as start_date,
        case when arg_max(record_type, address_no) = '002' then null
             else arg_max_null(moved_out_date, address_no) end as end_date,
        count(*) as addresses,
        arg_max(record_type, address_no) = '002' as is_current
    from numbered
    group by person_key, spell_no
),

with_previous as (
    select
        s.*,
        lag(municipality_code) over p as prev_municipality_code,
        lag(start_date) over p as prev_start_date,
        lag(end_date) over p as prev_end_date
    from spells s
    window p as (partition by person_key order by spell_no)
),

origin as (
    -- the immigration (if any) that led into this spell: after the previous spell, on or
    -- before this one's start
    select
        w.*,
        (select max(i.immigration_date) from immigrations i
         where i.person_key = w.person_key
           and i.immigration_date <= w.start_date
           and (w.prev_start_date is null
                or (i.immigration_date > w.prev_start_date
                    and i.immigration_date >= coalesce(w.prev_end_date, w.prev_start_date)))
        ) as immigration_date
    from with_previous w
),

final as (
    select
        $month as delivery_month,
        o.person_key,
        o.spell_no,
        o.municipality_code,
        o.start_date,
        o.end_date,
        o.is_current,
        o.addresses,
        case
            when o.immigration_date is not null then 'abroad'
            when o.prev_municipality_code is not null then 'other_municipality'
            when o.start_date = p.birth_date then 'birth'
            else 'unknown'
        end as origin,
        case when o.immigration_date is null then o.prev_municipality_code
        end as from_municipality_code,
        o.immigration_date
    from origin o
    left join raw.cpr__persons p
        on p.delivery_month = $month and p.person_key = o.person_key
)
select * from final
