-- The meeting's record. What resolution_svc decided (polls closed, resolutions drafted, amended, adopted
-- or rejected, amendments and their fate) as its events told it, kept verbatim for the minutes.
create table record_events (
    event_id    uuid primary key,
    meeting_id  uuid not null,
    event_type  text not null,
    occurred_at timestamptz not null,
    payload     bytea not null
);
create index record_events_by_meeting on record_events (meeting_id, occurred_at);

-- The secretary's summary of what happened under each agenda item (the minutes' free text).
create table minutes_summaries (
    meeting_id uuid not null references meetings (id),
    item_id    uuid not null,
    summary_vi text not null default '',
    summary_en text not null default '',
    updated_by uuid,
    updated_at timestamptz not null default now(),
    primary key (meeting_id, item_id)
);

-- Every approved version, frozen: its content (JSON, from which the PDF is typeset), the documents as
-- approved, their hash, who approved and when.
create table minutes_versions (
    meeting_id  uuid not null references meetings (id),
    version     int not null,
    content     bytea not null,
    national_motto boolean not null,
    html_vi     text not null,
    html_en     text not null,
    content_hash text not null,
    approved_by uuid,
    approved_at timestamptz not null default now(),
    primary key (meeting_id, version)
);
