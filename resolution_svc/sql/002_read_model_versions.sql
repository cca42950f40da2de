-- Per-entity versions: the meeting_seq of the last meeting_svc event applied to each row (null for rows
-- written by events that carried none). An event with a lower number never overwrites a higher one.
alter table meetings add column facts_version bigint, add column status_version bigint;
alter table participants add column version bigint, add column presence_version bigint;
alter table proxies add column version bigint;
-- Why a poll was closed (chair, schedule, meeting_ended, meeting_cancelled) and the meeting position counted.
alter table polls add column closed_by text, add column meeting_position bigint;
