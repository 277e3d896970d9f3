-- What burned an SLO's budget reads a month of one SLO's hour rows; SLOs usually name a route, so an index that
-- leads with service, kind and route reads that route's rows (two a hour for one status pair) instead of every row
-- of the service's routes. Hour rows are written once an hour, so the index costs ingest nothing.
CREATE INDEX IF NOT EXISTS rollup_hour_route_time ON rollup_hour (service_name, call_kind, route, hour_unix_s);
