-- The calendar entry (iCalendar text and its iTIP method, REQUEST or CANCEL) an email carries as an
-- attachment: invitations, reschedules and cancellations. Null for the other emails.
alter table emails add column calendar text, add column calendar_method text;
