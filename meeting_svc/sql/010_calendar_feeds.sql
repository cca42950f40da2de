-- A participant's subscribable calendar: a secret URL whose hash is kept (like invite codes), one per
-- participant; issuing a new one revokes the old, deleting the row revokes it.
create table calendar_feeds (
    participant_id uuid primary key references participants (id),
    token_sha256   bytea not null unique,
    created_at     timestamptz not null default now()
);
