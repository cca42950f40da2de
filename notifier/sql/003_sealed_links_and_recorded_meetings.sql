-- An invitation's personal link is kept only sealed to the notifier's key (opened in memory when the
-- email is built, never stored in clear) and forgotten once the email is sent or given up; the
-- stored bodies hold a placeholder in its place.
alter table emails add column sealed_link text;

-- A meeting recorded after the fact: nobody is emailed about it.
alter table meetings add column record_only boolean not null default false;
