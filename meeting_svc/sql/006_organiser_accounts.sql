-- Organiser accounts: sign-in by email and password (argon2id), browser sessions, password resets,
-- and named API tokens for machines. Only hashes of session ids, tokens and reset links are kept.
alter table organisers
    add column email text,
    add column password_hash text,
    add column oidc_subject text;
create unique index organisers_email on organisers (lower(email)) where email is not null;
create unique index organisers_oidc_subject on organisers (oidc_subject) where oidc_subject is not null;

-- `purpose`: 'api' (made by a person or the command line for a machine, listed and revoked by name) or
-- 'console' (a short-lived token a browser session exchanged its cookie for).
alter table organiser_tokens
    add column purpose text not null default 'api' check (purpose in ('api', 'console')),
    add column name text,
    add column scope text not null default 'write' check (scope in ('read', 'write')),
    add column session_sha256 bytea,
    add column created_at timestamptz not null default now(),
    add column last_used_at timestamptz;
update organiser_tokens set name = 'command line' where name is null;
create index organiser_tokens_organiser on organiser_tokens (organiser_id) where revoked_at is null;

create table organiser_sessions (
    id_sha256 bytea primary key,
    organiser_id uuid not null references organisers (id),
    csrf_token text not null,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    ended_at timestamptz
);
create index organiser_sessions_organiser on organiser_sessions (organiser_id) where ended_at is null;

-- Failed sign-ins per account (`email:<address>`, whether or not it exists) and per client address
-- (`addr:<ip>`): the lockout's memory.
create table sign_in_failures (
    key text primary key,
    failures int not null,
    last_failure_at timestamptz not null,
    locked_until timestamptz
);

create table password_resets (
    token_sha256 bytea primary key,
    organiser_id uuid not null references organisers (id),
    created_at timestamptz not null,
    expires_at timestamptz not null,
    used_at timestamptz
);

-- An OpenID Connect sign-in in flight: state, nonce and PKCE verifier, kept until the provider answers.
create table oidc_logins (
    state_sha256 bytea primary key,
    nonce text not null,
    code_verifier text not null,
    created_at timestamptz not null,
    expires_at timestamptz not null
);
