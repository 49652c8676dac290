-- Journal and snapshots of Pekko Persistence (pekko-persistence-jdbc 1.1.1), where the
-- cluster-wide view keeps its events and snapshots. Taken from the plugin's
-- schema/postgres/postgres-create-schema.sql with these changes: no schema qualifier (the
-- tables live next to players, in the connection's schema); plain CREATE INDEX, as Flyway runs
-- a migration in a transaction and CONCURRENTLY cannot run in one; IF NOT EXISTS everywhere,
-- so a database that already holds the plugin's tables migrates without error.
create table if not exists event_journal (
    ordering           bigserial,
    persistence_id     varchar(255) not null,
    sequence_number    bigint not null,
    deleted            boolean default false not null,

    writer             varchar(255) not null,
    write_timestamp    bigint,
    adapter_manifest   varchar(255),

    event_ser_id       integer not null,
    event_ser_manifest varchar(255) not null,
    event_payload      bytea not null,

    meta_ser_id        integer,
    meta_ser_manifest  varchar(255),
    meta_payload       bytea,

    primary key (persistence_id, sequence_number)
);

create unique index if not exists event_journal_ordering_idx on event_journal (ordering);

create table if not exists event_tag (
    event_id bigint,
    tag      varchar(256),
    primary key (event_id, tag)
    -- jOOQ's codegen simulates this DDL in H2, which accepts a foreign key only to a unique
    -- constraint, not to a unique index like event_journal_ordering_idx: hidden from it.
    -- [jooq ignore start]
    , constraint fk_event_journal
        foreign key (event_id)
        references event_journal (ordering)
        on delete cascade
    -- [jooq ignore stop]
);

create table if not exists snapshot (
    persistence_id        varchar(255) not null,
    sequence_number       bigint not null,
    created               bigint not null,

    snapshot_ser_id       integer not null,
    snapshot_ser_manifest varchar(255) not null,
    snapshot_payload      bytea not null,

    meta_ser_id           integer,
    meta_ser_manifest     varchar(255),
    meta_payload          bytea,

    primary key (persistence_id, sequence_number)
);

-- The plugin's durable state store; unused while the view is event-sourced, kept so the
-- schema is the plugin's whole schema.
create table if not exists durable_state (
    global_offset         bigserial,
    persistence_id        varchar(255) not null,
    revision              bigint not null,
    state_payload         bytea not null,
    state_serial_id       integer not null,
    state_serial_manifest varchar(255),
    tag                   varchar,
    state_timestamp       bigint not null,
    primary key (persistence_id)
);

create index if not exists state_tag_idx on durable_state (tag);
create index if not exists state_global_offset_idx on durable_state (global_offset);
