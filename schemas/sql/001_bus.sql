-- Tables every service keeps for the event bus: its outbox, the events it has handled, and the
-- messages it could not handle.
create table outbox (
    seq            bigserial primary key,
    event_id       uuid not null unique,
    subject        text not null,
    payload        bytea not null,
    correlation_id text,
    created_at     timestamptz not null default now(),
    sent_at        timestamptz
);
create index outbox_unsent on outbox (seq) where sent_at is null;

create function outbox_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify(tg_table_schema || '_outbox', '');
    return null;
end $$;

create trigger outbox_notify after insert on outbox
    for each statement execute function outbox_notify();

create table processed_events (
    consumer     text not null,
    event_id     uuid not null,
    processed_at timestamptz not null default now(),
    primary key (consumer, event_id)
);

create table dead_letters (
    id          bigserial primary key,
    consumer    text not null,
    subject     text not null,
    payload     bytea not null,
    reason      text not null,
    received_at timestamptz not null default now()
);

-- Answers to POSTs sent with an Idempotency-Key: a retry gets the first answer back.
create table idempotency_keys (
    scope        text not null,      -- who sent it (token subject) and to which route
    key          text not null,
    request_hash bytea not null,
    status       int not null,
    body         bytea not null,
    headers      jsonb not null default '{}',
    created_at   timestamptz not null default now(),
    primary key (scope, key)
);
