-- A department's subscribable calendar of directive due dates: a secret URL whose hash is kept, one per
-- (organisation, department); issuing a new one revokes the old, deleting the row revokes it.
create table department_feeds (
    organisation_id uuid not null,
    department_id   uuid not null,
    token_sha256    bytea not null unique,
    created_at      timestamptz not null default now(),
    primary key (organisation_id, department_id)
);
