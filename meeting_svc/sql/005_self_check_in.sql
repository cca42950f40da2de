-- Whether participants may check themselves in from their page; when not, check-in happens at the desk
-- (the chair or secretary records it). Meetings made before this setting keep self check-in.
alter table meetings add column self_check_in boolean not null default true;
