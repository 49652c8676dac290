-- Players known to the casino; the processor reads them to enrich events.
create table players (
    id                bigserial primary key,
    email             text not null,
    last_signed_in_at timestamptz
);
