-- An invitation email the notifier could not deliver (`invitation.bounced`). `invitation_event_id` is
-- the `participant.invitation_sent` of the latest send: a bounce counts only when it belongs to that
-- send, so a resend (after the address was put right) is never shown bounced by the earlier one.
alter table participants
    add column invitation_event_id uuid,
    add column invitation_bounced_at timestamptz,
    add column invitation_bounce_reason text;
-- invitation_status is now not_sent | sent | bounced
