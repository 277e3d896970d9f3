-- The UI's call series read one service's rows over a time range. The rollup keys lead with the minute, so without
-- these a range read every service's rows in it: seconds over a day of a busy store.
CREATE INDEX IF NOT EXISTS rollup_minute_service_time ON rollup_minute (service_name, call_kind, minute_unix_s);
CREATE INDEX IF NOT EXISTS rollup_hour_service_time ON rollup_hour (service_name, call_kind, hour_unix_s);
CREATE INDEX IF NOT EXISTS call_event_minute_service_time ON call_event_minute (service_name, minute_unix_s);

-- Every call site with its calls so far, kept as rollups are added, so listing them (the UI's services page) never
-- sums a month of minute rows. Filled once from the minutes already stored.
CREATE TABLE IF NOT EXISTS call_site (
    service_name      VARCHAR  NOT NULL,
    call_kind         VARCHAR  NOT NULL,
    server_address    VARCHAR  NOT NULL,
    server_port       INTEGER  NOT NULL,
    route             VARCHAR  NOT NULL,
    http_method       VARCHAR  NOT NULL,
    call_count        BIGINT   NOT NULL,
    PRIMARY KEY (service_name, call_kind, server_address, server_port, route, http_method)
);
INSERT INTO call_site (service_name, call_kind, server_address, server_port, route, http_method, call_count)
    SELECT service_name, call_kind, server_address, server_port, route, http_method, SUM(call_count)
    FROM rollup_minute r
    WHERE NOT EXISTS (SELECT 1 FROM call_site s WHERE s.service_name = r.service_name AND s.call_kind = r.call_kind
        AND s.server_address = r.server_address AND s.server_port = r.server_port AND s.route = r.route
        AND s.http_method = r.http_method)
    GROUP BY service_name, call_kind, server_address, server_port, route, http_method;
