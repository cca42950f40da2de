-- The turnout last published, apart from the poll's row: every ballot holds a share lock on that row until
-- it commits, so updating it a few times a second made each round of ballots wait for the update's commit.
create table poll_turnout (
    poll_id uuid primary key references polls (id),
    published int not null
);
insert into poll_turnout (poll_id, published) select id, turnout_published from polls where turnout_published > 0;
alter table polls drop column turnout_published;
