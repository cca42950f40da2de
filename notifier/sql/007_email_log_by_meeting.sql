-- The email log of a meeting (GET /api/v1/meetings/{id}/emails), newest first, without a scan of every email.
create index emails_by_meeting on emails (meeting_id, id);
