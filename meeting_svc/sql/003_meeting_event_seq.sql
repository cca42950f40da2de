-- The number of events published about the meeting: each event carries its own number (meeting_seq), in
-- commit order, as the version read models compare and the position other services wait for.
alter table meetings add column event_seq bigint not null default 0;
