-- The UI's call series read one service's rows over a time range. The rollup keys lead with the minute, so without
-- these a range read every service's rows in it: seconds over a day of a busy store.
CREATE INDEX IF NOT EXISTS rollup_minute_service_time ON rollup_minute (service_name, call_kind, minute_unix_s);
CREATE INDEX IF NOT EXISTS rollup_hour_service_time ON rollup_hour (service_name, call_kind, hour_unix_s);
CREATE INDEX IF NOT EXISTS call_event_minute_service_time ON call_event_minute (service_name, minute_unix_s);
