-- The console's participant table: search, filter and sort within one meeting stay index-backed at
-- thousands of rows. Removed participants are never listed, so the indexes leave them out.
create index participants_roster_name on participants (meeting_id, name, id) where removed_at is null;
create index participants_roster_department on participants (meeting_id, department_id) where removed_at is null;

-- When a participant first opened their personal link (exchanged it for a session): the console's
-- invitation status shows who has not yet.
alter table participants add column invite_opened_at timestamptz;

-- Reminders the secretariat sent about a contribution request, per department: the tracker shows when.
create table contribution_reminders (
    request_id uuid not null references contribution_requests (id),
    department_id uuid not null,
    reminders int not null default 1,
    reminded_at timestamptz not null default now(),
    primary key (request_id, department_id)
);
