-- The block of a participant's department, so a directive to a block reaches its departments' people.
alter table participants add column block_id uuid;
