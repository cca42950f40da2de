-- Secret ballots sealed while the poll is open (docs/secret-ballots.md).
-- A secret poll's key, only sealed to the service key (BALLOT_KEY, never stored here); the row is deleted
-- when the poll closes, which makes every sealed ballot of the poll unreadable for ever.
create table poll_keys (
    poll_id uuid primary key references polls (id),
    sealed_key bytea not null
);

-- While a secret poll is open its ballot lives encrypted under the poll's key in the voter's participation row (one row, one write:
-- nothing else is written in the same transaction). At close the ballots are opened, written to `ballots` in
-- random order, and `sealed` is cleared. `tag` (a keyed hash of poll, voter, the client's ballot nonce and
-- the choice) recognises a retry of the same ballot, so its receipt can be given again.
alter table participations add column sealed bytea, add column tag bytea;
