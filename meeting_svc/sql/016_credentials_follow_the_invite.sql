-- A calendar feed is a credential issued under one generation of the participant's invite (their
-- `session_epoch`): revoking or reissuing the invite, or removing the participant, ends it, as it ends
-- their sessions. The other meetings a feed shows are those where the same person (by `email_key`,
-- servicekit.identity, computed in Python and never folded here) is on the roster with a live invite.
--
-- `email_key` is added by 015_email_keys.sql (uniqueness of an address in a meeting); rows it could not
-- key are keyed when the service starts (meeting_svc/addresses.py).
alter table participants add column if not exists email_key text;
create index if not exists participants_by_email_key on participants (email_key)
    where removed_at is null and email_key is not null;

-- A feed made before this migration: its generation is unknown, so it is kept only for a participant
-- whose invite was never revoked nor reissued (generation 0) and who is still on the roster.
alter table calendar_feeds add column session_epoch int;
update calendar_feeds f set session_epoch = 0 from participants p
    where p.id = f.participant_id and p.session_epoch = 0 and p.removed_at is null and p.invite_sha256 is not null;
delete from calendar_feeds where session_epoch is null;
alter table calendar_feeds alter column session_epoch set not null;

-- A display link a chair or secretary made with their session is issued under that session's generation
-- too: it ends with their invite (revoked, reissued) or their removal. An organiser's has no participant.
alter table display_links
    add column participant_id uuid references participants (id),
    add column session_epoch int;
update display_links d set participant_id = p.id, session_epoch = 0 from participants p
    where d.created_by = 'participant:' || p.id::text;
-- made before this migration under a generation since revoked or reissued (or by someone since removed)
update display_links d set revoked_at = now() from participants p
    where d.participant_id = p.id and d.revoked_at is null and (p.session_epoch <> 0 or p.removed_at is not null);
