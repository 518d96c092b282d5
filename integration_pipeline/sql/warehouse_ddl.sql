-- Schemas and the tables written by the raw load (raw.*, audit.*). Idempotent.
-- Core and report tables take their column types from their own SELECTs (see warehouse.py).
create schema if not exists raw;
create schema if not exists core;
create schema if not exists report;
create schema if not exists ref;
create schema if not exists audit;

create table if not exists raw.cpr__persons (
    delivery_month varchar not null,
    person_key varchar not null,
    status varchar not null,
    status_date date,
    sex varchar not null,
    birth_date date not null,
    is_birth_date_uncertain boolean not null,
    is_mod11_valid boolean not null,
    has_changed_number boolean not null,
    start_date date,
    end_date date,
    source_line bigint not null
);

create table if not exists raw.cpr__addresses (
    delivery_month varchar not null,
    person_key varchar not null,
    record_type varchar not null,
    municipality_code varchar not null,
    road_code varchar,
    moved_in_date date not null,
    moved_out_date date,
    moved_to_municipality_date date,
    from_municipality_code varchar,
    from_municipality_date date,
    source_line bigint not null
);

create table if not exists raw.cpr__migrations (
    delivery_month varchar not null,
    person_key varchar not null,
    record_type varchar not null,
    migration_type varchar not null,
    emigration_country_code varchar,
    emigration_date date,
    immigration_country_code varchar,
    immigration_date date,
    source_line bigint not null
);

create table if not exists raw.cpr__citizenships (
    delivery_month varchar not null,
    person_key varchar not null,
    record_type varchar not null,
    country_code varchar not null,
    valid_from date,
    valid_to date,
    source_line bigint not null
);

create table if not exists raw.permits__residence_permits (
    delivery_month varchar not null,
    person_key varchar not null,
    permit_date date not null,
    category varchar not null,
    grundlag integer,
    forklar integer,
    citizenship_code varchar,
    source_line bigint not null
);

-- the kept rows of the DREAM file: the person key of each row, stored once (the long tables
-- below name their row by source_line)
create table if not exists raw.dream__persons (
    delivery_month varchar not null,
    person_key varchar not null,
    source_line bigint not null
);

-- run-length encoded: one row per run of consecutive ISO weeks with the same code
create table if not exists raw.dream__benefit_weeks (
    delivery_month varchar not null,
    first_iso_year smallint not null,
    first_iso_week tinyint not null,
    weeks smallint not null,
    benefit_code varchar not null,
    source_line bigint not null
);

create table if not exists raw.dream__employment_months (
    delivery_month varchar not null,
    year smallint not null,
    month tinyint not null,
    industry_code varchar,
    employment_degree double,
    source_line bigint not null
);

create table if not exists raw.dream__coverage (
    delivery_month varchar not null,
    first_week varchar not null,
    last_week varchar not null,
    last_grad_month varchar,
    weeks integer not null,
    months integer not null,
    extra_columns varchar
);

create table if not exists raw.cpr__extract_info (
    delivery_month varchar not null,
    extract_date date not null,
    previous_extract_date date,
    task_number varchar,
    dropped_persons integer not null,
    ignored_history_rows integer not null,
    skipped_records integer not null
);

create table if not exists audit.load_ledger (
    load_id varchar not null,
    delivery_month varchar not null,
    municipality_code varchar,
    source_file varchar,
    size_bytes bigint,
    sha256 varchar,
    encoding varchar,
    records_by_type varchar,
    rows_loaded bigint,
    rows_quarantined bigint,
    rows_warned bigint,
    status varchar not null,
    message varchar,
    code_version varchar,
    loaded_at timestamp not null
);

create table if not exists audit.quarantine (
    delivery_month varchar not null,
    source_file varchar not null,
    line bigint,
    record_type varchar,
    rule varchar not null,
    field varchar,
    reason varchar not null,
    person_key varchar
);

create table if not exists audit.warnings (
    delivery_month varchar not null,
    source_file varchar not null,
    line bigint,
    record_type varchar,
    rule varchar not null,
    field varchar,
    reason varchar not null,
    person_key varchar
);
