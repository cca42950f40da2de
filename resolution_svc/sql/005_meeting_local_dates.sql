-- The calendar day a moment falls on in a meeting's time zone: dates people set (a directive's due
-- date) are read on the meeting's calendar, not the database session's. A zone name this server's
-- time zone database does not know (it may lag Python's) reads as UTC rather than failing the query.
create function local_date(at timestamptz, zone text) returns date
    language plpgsql stable parallel safe as $$
begin
    return (at at time zone coalesce(zone, 'UTC'))::date;
exception when invalid_parameter_value then
    return (at at time zone 'UTC')::date;
end $$;
