-- Per-entity versions: the meeting_seq of the last meeting_svc event applied to each row (null for rows
-- written by events that carried none). An event with a lower number never overwrites a higher one, and a
-- removed participant stays removed (a removal that arrives first leaves a row saying so).
alter table meetings add column facts_version bigint, add column status_version bigint;
alter table participants add column version bigint;
