-- The notifier's read model (meetings, participants, contribution requests), its event log (the
-- source of webhook bodies, range replays and the live stream), webhook subscriptions and
-- deliveries, and the email outbox.

create table meetings (
    meeting_id      uuid primary key,
    organisation_id uuid not null,
    title_vi        text not null default '',
    title_en        text not null default '',
    starts_at       timestamptz not null,
    ends_at         timestamptz not null,
    timezone        text not null,
    status          text not null,
    venue           text,
    online_url      text
);
create index meetings_upcoming on meetings (starts_at) where status <> 'cancelled';

-- Per-meeting sequence of live-stream events. Taking the next number locks the meeting's row until
-- the transaction commits, so within a meeting the numbers are gapless and in commit order: a
-- reader that has seen N has seen everything up to N.
create table live_cursors (
    meeting_id uuid primary key,
    seq        bigint not null
);

-- Reminders and notices no event triggers (24 h / 1 h before start, contribution deadline near),
-- recorded once by key so a restarted or second notifier does not schedule them again.
create table notices (
    key        text primary key,
    created_at timestamptz not null default now()
);

create table participants (
    participant_id uuid primary key,
    meeting_id     uuid not null,
    name           text not null,
    email          text,
    role           text not null,
    weight         int not null default 1,
    department_id  uuid,
    language       text not null default 'vi',
    removed        boolean not null default false
);
create index participants_meeting on participants (meeting_id);
create index participants_department on participants (department_id) where department_id is not null;

create table contribution_requests (
    request_id     uuid primary key,
    meeting_id     uuid not null,
    department_ids uuid[] not null,
    topic_vi       text not null default '',
    topic_en       text not null default '',
    deadline       timestamptz not null,
    submitted      uuid[] not null default '{}'
);
create index contribution_requests_deadline on contribution_requests (deadline);

-- Every event the notifier has consumed, credentials stripped. `live_seq` is set for the events the
-- live stream shows and is the SSE event id (Last-Event-ID) within the meeting.
create table events (
    seq         bigserial primary key,
    event_id    uuid not null unique,
    event_type  text not null,
    meeting_id  uuid not null,
    occurred_at timestamptz not null,
    payload     bytea not null,
    live_seq    bigint
);
create index events_occurred on events (meeting_id, occurred_at);
create unique index events_live on events (meeting_id, live_seq) where live_seq is not null;

create function events_notify() returns trigger language plpgsql as $$
begin
    if new.live_seq is not null then
        perform pg_notify(tg_table_schema || '_live', new.meeting_id::text || ':' || new.live_seq::text);
    end if;
    return null;
end $$;
create trigger events_notify after insert on events for each row execute function events_notify();

create table subscriptions (
    id              uuid primary key,
    organisation_id uuid not null,
    url             text not null,
    event_types     text[] not null,
    meeting_id      uuid,
    description     text not null default '',
    enabled         boolean not null default true,
    disabled_reason text,
    version         int not null default 1,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);
create index subscriptions_org on subscriptions (organisation_id) where enabled;

-- All secrets that currently sign; after a rotation the old one signs until `expires_at`.
create table subscription_secrets (
    subscription_id uuid not null references subscriptions (id) on delete cascade,
    secret          text not null,
    created_at      timestamptz not null default now(),
    expires_at      timestamptz,
    primary key (subscription_id, secret)
);

-- One row per (event, subscription); a replay adds a row that points at the delivery it replays.
-- status: pending -> delivering -> delivered | pending (retry) | dead (retries exhausted) | gone (410)
create table deliveries (
    id              uuid primary key,
    subscription_id uuid not null references subscriptions (id) on delete cascade,
    event_id        uuid not null references events (event_id),
    event_type      text not null,
    replay_of       uuid references deliveries (id),
    status          text not null default 'pending',
    attempts        int not null default 0,
    next_attempt_at timestamptz not null default now(),
    claim_token     uuid,
    lease_until     timestamptz,
    last_status     int,
    last_error      text,
    created_at      timestamptz not null default now(),
    finished_at     timestamptz
);
create unique index deliveries_once on deliveries (subscription_id, event_id) where replay_of is null;
create index deliveries_due on deliveries (next_attempt_at) where status = 'pending';
create index deliveries_leased on deliveries (lease_until) where status = 'delivering';
create index deliveries_sub on deliveries (subscription_id, created_at desc);

create table delivery_attempts (
    delivery_id uuid not null references deliveries (id) on delete cascade,
    attempt     int not null,
    started_at  timestamptz not null,
    latency_ms  double precision not null,
    status_code int,
    error       text,
    outcome     text not null,
    primary key (delivery_id, attempt, started_at)
);

create function deliveries_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify(tg_table_schema || '_deliveries', '');
    return null;
end $$;
create trigger deliveries_notify after insert or update of next_attempt_at on deliveries
    for each statement execute function deliveries_notify();

-- The email outbox: one row per (source, recipient address). `source` is the event id, or a key
-- such as `reminder-24h:<meeting>:<start>` for reminders that no event triggers.
create table emails (
    id              bigserial primary key,
    source          text not null,
    kind            text not null,
    meeting_id      uuid,
    participant_id  uuid,
    to_addr         text not null,
    language        text not null,
    subject         text not null,
    text_body       text not null,
    html_body       text not null,
    status          text not null default 'pending',   -- pending | sending | sent | failed
    attempts        int not null default 0,
    next_attempt_at timestamptz not null default now(),
    lease_until     timestamptz,
    last_error      text,
    created_at      timestamptz not null default now(),
    sent_at         timestamptz,
    unique (source, to_addr)
);
create index emails_due on emails (next_attempt_at) where status = 'pending';

create function emails_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify(tg_table_schema || '_emails', '');
    return null;
end $$;
create trigger emails_notify after insert on emails for each statement execute function emails_notify();
