-- An amendment changes parts of the text: each part as it stood in the version it was written against
-- (schemas.events.PassageChange), merged one by one when accepted. Amendments from before carry none and
-- replace the whole text as they always did.
alter table amendments add column base_version int, add column changes jsonb not null default '[]';
