-- Departments are announced on the bus (department.defined / department.renamed) so other services can
-- show their names; each change counts up `version`, which their read models compare, since events about
-- no meeting carry no meeting_seq.
alter table departments add column version int not null default 1;
