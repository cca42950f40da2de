-- Progress on a directive, one entry per report: each responsible department keeps its own notes, with
-- who wrote them and when. Entries are never changed or removed (the history is the record);
-- `directives.status` and `directives.note` stay the latest of any department, for one-glance lists.
create table directive_progress (
    id uuid primary key,
    directive_id uuid not null references directives (id),
    department_id uuid,            -- null: an organiser's note not made for one department
    author_kind text check (author_kind in ('participant', 'organiser')),  -- null: written before authors were kept
    author_id uuid,
    status text not null,
    note text not null,
    recorded_at timestamptz not null default now()
);
create index directive_progress_by_directive on directive_progress (directive_id, department_id, recorded_at desc);

create function directive_progress_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'directive progress is append-only';
end $$;
create trigger directive_progress_append_only before update or delete on directive_progress
    for each row execute function directive_progress_append_only();

-- Notes written before this table: kept as the first entry, of no department and no known author.
insert into directive_progress (id, directive_id, status, note, recorded_at)
    select gen_random_uuid(), id, status, note, updated_at from directives where note <> '';
