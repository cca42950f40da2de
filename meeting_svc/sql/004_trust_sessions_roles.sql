-- Sessions follow the participant's current state: revoking or reissuing an invite starts a new
-- generation of sessions (tokens carry the generation they were issued in).
alter table participants add column session_epoch int not null default 0;

-- `organiser` is no longer a participant role: organiser power comes from organiser API tokens only.
-- Participants who had it keep their seat without any power.
update participants set role = 'observer', version = version + 1 where role = 'organiser';
