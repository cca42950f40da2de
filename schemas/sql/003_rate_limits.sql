-- Requests counted per caller and per client address, a row per key and minute, shared by a service's
-- replicas (servicekit/limits.py); rows older than the previous minute are deleted as time passes.
create table rate_counts (
    key    text not null,
    minute bigint not null,
    n      integer not null,
    primary key (key, minute)
);
