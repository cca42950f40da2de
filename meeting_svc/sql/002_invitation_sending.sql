-- Invitations are sent when the organiser decides (the meeting is scheduled, or "send invitations"),
-- not when a participant is added. The personal link is kept only sealed to the notifier's key
-- (meeting_svc cannot open it; the code itself is kept as a hash, as before), so it can be sent later.
alter table participants
    add column sealed_link text,
    add column invitation_status text not null default 'not_sent',  -- not_sent | sent
    add column invitations_sent int not null default 0,
    add column invitation_sent_at timestamptz;

-- Participants of meetings past their draft were invited when they were added.
update participants p set invitation_status = 'sent', invitations_sent = 1
  from meetings m where m.id = p.meeting_id and m.status <> 'draft';

-- A meeting recorded after the fact: nothing is ever sent for it.
alter table meetings add column record_only boolean not null default false;
