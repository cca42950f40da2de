-- Names for the exports, learnt from meeting_svc's events (this service never reads its tables): a
-- participant's name from participant.invited / updated (their contact details are not kept here), and
-- the organisation's departments from department.defined / renamed, each row at the `version` of the
-- newest event applied to it.
alter table participants add column name text;

create table departments (
    id              uuid primary key,
    organisation_id uuid not null,
    code            text,
    name_vi         text not null default '',
    name_en         text not null default '',
    parent_id       uuid,
    version         int not null
);
