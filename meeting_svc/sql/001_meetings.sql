-- Organisations, organisers and their API tokens (only a hash of each token is kept).
create table organisations (
    id uuid primary key,
    name text not null unique,
    created_at timestamptz not null default now()
);

create table organisers (
    id uuid primary key,
    organisation_id uuid not null references organisations (id),
    name text not null,
    created_at timestamptz not null default now()
);

create table organiser_tokens (
    jti uuid primary key,
    organiser_id uuid not null references organisers (id),
    token_sha256 bytea not null unique,
    expires_at timestamptz not null,
    revoked_at timestamptz
);

-- Two levels: a block (no parent) and its departments.
create table departments (
    id uuid primary key,
    organisation_id uuid not null references organisations (id),
    code text,
    name_vi text not null default '',
    name_en text not null default '',
    parent_id uuid references departments (id),
    unique (organisation_id, code)
);

create table meetings (
    id uuid primary key,
    organisation_id uuid not null references organisations (id),
    title_vi text not null default '',
    title_en text not null default '',
    description_vi text not null default '',
    description_en text not null default '',
    starts_at timestamptz not null,
    ends_at timestamptz not null,
    timezone text not null,
    venue_name text,
    venue_address text not null default '',
    online_url text,
    status text not null default 'draft',
    version int not null default 1,
    agenda_version int not null default 1,
    created_at timestamptz not null default now(),
    check (ends_at > starts_at)
);
create index meetings_by_org on meetings (organisation_id, starts_at desc);

create table agenda_items (
    id uuid primary key,
    meeting_id uuid not null references meetings (id),
    position int not null,
    title_vi text not null default '',
    title_en text not null default '',
    kind text not null,
    presenter text,
    planned_minutes int,
    contribution_request_id uuid,
    resolution_id uuid
);
create index agenda_by_meeting on agenda_items (meeting_id, position);

create table participants (
    id uuid primary key,
    meeting_id uuid not null references meetings (id),
    name text not null,
    email text,
    department_id uuid references departments (id),
    role text not null,
    weight int not null default 1 check (weight >= 0),
    language text not null default 'vi',
    rsvp text,
    present boolean not null default false,
    invite_sha256 bytea unique,
    invite_revoked boolean not null default false,
    removed_at timestamptz,
    version int not null default 1
);
create index participants_by_meeting on participants (meeting_id);
create unique index participants_email on participants (meeting_id, lower(email)) where removed_at is null;

create table proxies (
    principal_id uuid primary key references participants (id),
    holder_id uuid not null references participants (id),
    meeting_id uuid not null references meetings (id),
    granted_at timestamptz not null default now()
);
create index proxies_by_holder on proxies (holder_id);

create table contribution_requests (
    id uuid primary key,
    meeting_id uuid not null references meetings (id),
    topic_vi text not null default '',
    topic_en text not null default '',
    guidance text not null default '',
    department_ids uuid[] not null,
    deadline timestamptz not null,
    allow_late boolean not null default false,
    created_at timestamptz not null default now()
);

create table submissions (
    id uuid primary key,
    request_id uuid not null references contribution_requests (id),
    department_id uuid not null references departments (id),
    submitted_by uuid not null references participants (id),
    revision int not null default 1,
    late boolean not null default false,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (request_id, department_id)
);

-- Every revision of a position report is kept.
create table submission_revisions (
    submission_id uuid not null references submissions (id),
    revision int not null,
    title text not null,
    body text not null,
    body_html text not null,
    recommendations text[] not null,
    late boolean not null,
    submitted_by uuid not null,
    created_at timestamptz not null default now(),
    primary key (submission_id, revision)
);

create table overdue_notices (
    request_id uuid not null,
    department_id uuid not null,
    primary key (request_id, department_id)
);
