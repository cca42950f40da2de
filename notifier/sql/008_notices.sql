-- The meeting's notification policy as meeting_svc last published it (schemas.notices); null: defaults.
alter table meetings add column notification_policy jsonb;

-- Kinds of notice a participant turned off from the link in an email (one row per kind).
create table notice_optouts (
    participant_id uuid not null,
    kind           text not null,
    at             timestamptz not null default now(),
    primary key (participant_id, kind)
);

-- The kind of notice an email is, for its one-click unsubscribe header: null when it always goes (an
-- invitation, a directive to the person responsible); '*' for a digest (all kinds at once).
alter table emails add column notice_kind text;

-- Notices held for a participant's daily digest, rendered in their language; `digest_source` is the
-- digest email that carried them (set in the transaction that queues it).
create table digest_items (
    id             bigserial primary key,
    source         text not null,
    meeting_id     uuid not null,
    participant_id uuid not null,
    kind           text not null,
    to_addr        text not null,
    language       text not null,
    subject        text not null,
    text_body      text not null,
    occurred_at    timestamptz not null,
    digest_source  text,
    unique (source, participant_id)
);
create index digest_items_pending on digest_items (meeting_id, participant_id) where digest_source is null;

-- Keys the notifier made for itself, shared by its replicas (the key of the notice settings links,
-- unless NOTICE_LINK_KEY gives one).
create table own_keys (
    name text primary key,
    key  bytea not null
);
