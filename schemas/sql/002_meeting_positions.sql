-- How far a read model has applied meeting_svc's numbered events (meeting_seq) of each meeting: every
-- event up to `applied_through` is in; later ones that arrived early wait in meeting_positions_ahead.
create table meeting_positions (
    meeting_id uuid primary key,
    applied_through bigint not null default 0
);

create table meeting_positions_ahead (
    meeting_id uuid not null,
    seq bigint not null,
    primary key (meeting_id, seq)
);
