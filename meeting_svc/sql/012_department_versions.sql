-- Departments are announced on the bus (department.defined / department.renamed) so other services can
-- show their names; each change counts up `version`, which their read models compare, since events about
-- no meeting carry no meeting_seq. Departments made before the announcements are announced once when
-- the service starts (`announced` is set in the transaction that writes their event to the outbox).
alter table departments add column version int not null default 1, add column announced boolean not null default false;
