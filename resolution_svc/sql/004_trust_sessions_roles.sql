-- The generation of the participant's sessions (participant.sessions_ended): older tokens are refused.
alter table participants add column session_epoch int not null default 0;

-- `organiser` is no longer a participant role (meeting_svc migrated its participants to observer).
update participants set role = 'observer' where role = 'organiser';
