-- Running the room: the current agenda item, when each item ran, lists of speakers, the projector's
-- display links.
alter table meetings add column current_item_id uuid references agenda_items (id) on delete set null;
alter table meetings add column projector_mode text not null default 'item';
alter table agenda_items add column started_at timestamptz;
alter table agenda_items add column ended_at timestamptz;

-- One list of speakers per agenda item, created on first use. Its row is locked by every change to
-- the list, so concurrent requests to speak take their places one at a time, in arrival order.
create table speaker_lists (
    item_id uuid primary key references agenda_items (id) on delete cascade,
    meeting_id uuid not null references meetings (id),
    closed boolean not null default false,
    allow_repeat boolean not null default false,
    speaking_seconds int check (speaking_seconds > 0),
    department_budgets jsonb not null default '{}',
    next_position bigint not null default 1,
    version int not null default 1
);

create table speakers (
    id uuid primary key,
    item_id uuid not null references speaker_lists (item_id) on delete cascade,
    meeting_id uuid not null references meetings (id),
    participant_id uuid not null references participants (id),
    department_id uuid,
    kind text not null,
    status text not null default 'waiting',
    -- queue order: points of order first, then replies, then the rest, each in arrival order
    priority int not null,
    position bigint not null,
    repeat boolean not null default false,
    requested_at timestamptz not null,
    started_at timestamptz,
    paused_at timestamptz,
    paused_seconds double precision not null default 0,
    ended_at timestamptz,
    allotted_seconds int,
    added_by text not null,
    unique (item_id, position)
);
-- the same person waits once per list unless the list allows it (then the entry is marked `repeat`)
create unique index speakers_waiting_once on speakers (item_id, participant_id) where status = 'waiting' and not repeat;
-- one speaker at a time
create unique index speakers_one_at_a_time on speakers (item_id) where status in ('speaking', 'paused');
create index speakers_by_item on speakers (item_id, status, priority, position);

-- A read-only link for the room's screen: no personal session, no vote; only a hash of its code is kept.
create table display_links (
    id uuid primary key,
    meeting_id uuid not null references meetings (id),
    code_sha256 bytea not null unique,
    label text not null default '',
    created_by text not null,
    created_at timestamptz not null default now(),
    revoked_at timestamptz
);
create index display_links_by_meeting on display_links (meeting_id);

-- Motions from the floor: a participant proposes a procedural motion or an amendment during an item;
-- the chair admits it (resolution_svc then prepares its poll) or rejects it.
create table motions (
    id uuid primary key,
    meeting_id uuid not null references meetings (id),
    item_id uuid references agenda_items (id) on delete set null,
    proposer_id uuid not null references participants (id),
    kind text not null,
    text_vi text not null default '',
    text_en text not null default '',
    resolution_id uuid,
    status text not null default 'proposed',
    preset text,
    secret boolean not null default false,
    proposed_at timestamptz not null,
    decided_at timestamptz,
    decided_by text
);
create index motions_by_meeting on motions (meeting_id, proposed_at);

-- The polls of each meeting as resolution_svc's events tell them (a read model), for the room's screen
-- opened with a display link: the vote in progress with its turnout, or the last result.
create table room_polls (
    poll_id uuid primary key,
    meeting_id uuid not null,
    question_vi text not null default '',
    question_en text not null default '',
    secret boolean not null default false,
    status text not null default 'draft',
    eligible_count int,
    voted_count int,
    result jsonb,
    opened_at timestamptz,
    closed_at timestamptz
);
create index room_polls_by_meeting on room_polls (meeting_id);
