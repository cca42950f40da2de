-- Read model of meeting_svc's events. No foreign keys: one meeting's events may arrive in any order.
-- `*_at` columns hold the occurred_at of the last event applied, so an older event never overwrites a newer.
create table meetings (
    id uuid primary key,
    organisation_id uuid, -- null until the meeting's facts arrive
    timezone text,
    starts_at timestamptz,
    ends_at timestamptz,
    status text,
    facts_at timestamptz,
    status_at timestamptz
);

create table participants (
    id uuid primary key,
    meeting_id uuid not null,
    role text,
    weight int not null default 1,
    department_id uuid,
    removed boolean not null default false,
    present boolean not null default false,
    facts_at timestamptz,
    presence_at timestamptz
);
create index participants_by_meeting on participants (meeting_id);

create table proxies (
    principal_id uuid primary key,
    holder_id uuid,
    meeting_id uuid not null,
    changed_at timestamptz not null
);

-- Resolutions, amendments, directives.
create table resolutions (
    id uuid primary key,
    meeting_id uuid not null,
    organisation_id uuid not null,
    title_vi text not null default '',
    title_en text not null default '',
    text_vi text not null default '',
    text_en text not null default '',
    directives jsonb not null default '[]',
    status text not null default 'draft', -- draft | voting | adopted | rejected
    version int not null default 1,
    created_at timestamptz not null default now()
);
create index resolutions_by_meeting on resolutions (meeting_id, created_at);

create table amendments (
    id uuid primary key,
    resolution_id uuid not null references resolutions (id),
    meeting_id uuid not null,
    proposer_id uuid not null,
    text_vi text not null default '',
    text_en text not null default '',
    directives jsonb,
    status text not null default 'proposed', -- proposed | voting | accepted | rejected
    created_at timestamptz not null default now()
);

create table directives (
    id uuid primary key,
    resolution_id uuid not null references resolutions (id),
    meeting_id uuid not null,
    organisation_id uuid not null,
    title_vi text not null default '',
    title_en text not null default '',
    description text not null default '',
    department_ids uuid[] not null,
    due_date date,
    priority text not null default 'normal',
    status text not null default 'not_started',
    note text not null default '',
    version int not null default 1,
    overdue_notified boolean not null default false,
    updated_at timestamptz not null default now()
);
create index directives_by_org on directives (organisation_id, due_date);
create index directives_by_department on directives using gin (department_ids);

-- Polls. `rules` is the PollRules struct; `result` the PollResult, written once at close.
create table polls (
    id uuid primary key,
    meeting_id uuid not null,
    organisation_id uuid not null,
    motion text not null, -- resolution | amendment | procedural
    resolution_id uuid references resolutions (id),
    amendment_id uuid references amendments (id),
    question_vi text not null default '',
    question_en text not null default '',
    options text[] not null,
    rules jsonb not null,
    secret boolean not null,
    allow_change boolean not null,
    status text not null default 'draft', -- draft | open | closed
    opens_at timestamptz,
    closes_at timestamptz,
    opened_at timestamptz,
    closed_at timestamptz,
    eligible_count int,
    eligible_weight int,
    result jsonb,
    turnout_published int not null default 0,
    created_at timestamptz not null default now()
);
create index polls_by_meeting on polls (meeting_id, created_at);
create index polls_due on polls (status, opens_at, closes_at) where status <> 'closed';

-- Who may vote in a poll, fixed when it opens; `caster_id` casts the voter's ballot (itself or its proxy).
create table roster (
    poll_id uuid not null references polls (id),
    voter_id uuid not null,
    caster_id uuid not null,
    weight int not null,
    primary key (poll_id, voter_id)
);
create index roster_by_caster on roster (poll_id, caster_id);

-- One row per voter who voted: the database, not the code, guarantees one counted ballot per voter.
create table participations (
    poll_id uuid not null references polls (id),
    voter_id uuid not null,
    primary key (poll_id, voter_id)
);

-- Ballots. In secret polls `voter_id` and `cast_at` stay null and the id is random, so nothing links a
-- ballot to its participation row; at close the secret ballots are rewritten in random order.
create table ballots (
    id uuid primary key,
    poll_id uuid not null references polls (id),
    voter_id uuid,
    choice text not null,
    weight int not null,
    receipt text not null unique,
    cast_at timestamptz
);
create index ballots_by_poll on ballots (poll_id);
create unique index ballots_named on ballots (poll_id, voter_id) where voter_id is not null;
