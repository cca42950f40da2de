-- Every lookup, limit and uniqueness check of an email address goes by its key (servicekit/identity.py:
-- NFKC, full case folding, NFKC, trimmed), stored beside the address: PostgreSQL's lower() folds some
-- letters otherwise than Python ("İ") and by the database's locale, so SQL never folds an address itself.
-- PostgreSQL cannot compute the key, so the service writes it with every address. Here, rows already
-- there get theirs when the address is printable ASCII without blanks, where the key is the address with
-- A-Z made a-z (translate: no locale involved); the service fills in the others at start
-- (accounts/db.py, people/db.py), which is why the unique indexes leave a missing key out.
alter table organisers add column email_key text;
alter table participants add column email_key text;

-- the first of rows that would share a key keeps it (the old index compared lower(), which a locale may
-- have told apart); the start-up fill finds the others and logs them
update organisers o set email_key = k.key
from (
    select id, translate(email, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') as key,
           row_number() over (
               partition by translate(email, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') order by id
           ) as n
    from organisers where email ~ '^[\x21-\x7e]*$'
) k
where o.id = k.id and k.n = 1;

update participants p set email_key = k.key
from (
    select id, removed_at, translate(email, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') as key,
           row_number() over (
               partition by meeting_id, removed_at is null,
                   translate(email, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
               order by id
           ) as n
    from participants where email ~ '^[\x21-\x7e]*$'
) k
where p.id = k.id and (k.n = 1 or k.removed_at is not null);

drop index organisers_email;
create unique index organisers_email_key on organisers (email_key) where email_key is not null;
drop index participants_email;
create unique index participants_email_key on participants (meeting_id, email_key)
    where removed_at is null and email_key is not null;
-- the rows the start-up fill is for
create index organisers_email_unkeyed on organisers (id) where email is not null and email_key is null;
create index participants_email_unkeyed on participants (id) where email is not null and email_key is null;
