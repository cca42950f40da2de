-- The organiser's rules per kind of notice (schemas.notices); null: the defaults.
alter table meetings add column notification_policy jsonb;
