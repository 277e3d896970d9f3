-- Server requests (http.server.request.duration) roll up beside outbound calls: call_kind is 'client' or 'server'
-- and joins the key, so a service's own endpoints and its calls to peers never merge. Server rows have no peer
-- (empty server_address, server_port 0). H2 cannot widen a primary key in place, and every statement here must be
-- idempotent, so each rollup table is rebuilt; existing rows become 'client' rows.

-- rollup_minute: renamed aside, copied into the new shape, dropped. Every prefix of these statements re-runs cleanly: a
-- table renamed aside by an earlier, cut-short run is picked up again, and an empty stand-in makes the copy a no-op
-- once the old rows are gone.
ALTER TABLE IF EXISTS rollup_minute RENAME TO rollup_minute_v4;
CREATE TABLE IF NOT EXISTS rollup_minute_v4 (
    minute_unix_s            BIGINT   NOT NULL,
    service_name      VARCHAR  NOT NULL,
    server_address    VARCHAR  NOT NULL,
    server_port       INTEGER  NOT NULL,
    route             VARCHAR  NOT NULL,
    http_method       VARCHAR  NOT NULL,
    http_status_code  INTEGER  NOT NULL,
    error_type        VARCHAR  NOT NULL,
    call_count        BIGINT   NOT NULL,
    sum_seconds       DOUBLE PRECISION NOT NULL,
    b00 BIGINT NOT NULL, b01 BIGINT NOT NULL, b02 BIGINT NOT NULL, b03 BIGINT NOT NULL, b04 BIGINT NOT NULL,
    b05 BIGINT NOT NULL, b06 BIGINT NOT NULL, b07 BIGINT NOT NULL, b08 BIGINT NOT NULL, b09 BIGINT NOT NULL,
    b10 BIGINT NOT NULL, b11 BIGINT NOT NULL, b12 BIGINT NOT NULL, b13 BIGINT NOT NULL, b14 BIGINT NOT NULL
);
ALTER TABLE rollup_minute_v4 ADD COLUMN IF NOT EXISTS call_kind VARCHAR DEFAULT 'client' NOT NULL;
CREATE TABLE IF NOT EXISTS rollup_minute_v5 (
    minute_unix_s            BIGINT   NOT NULL,
    service_name      VARCHAR  NOT NULL,
    server_address    VARCHAR  NOT NULL,
    server_port       INTEGER  NOT NULL,
    route             VARCHAR  NOT NULL,
    http_method       VARCHAR  NOT NULL,
    http_status_code  INTEGER  NOT NULL,
    error_type        VARCHAR  NOT NULL,
    call_kind         VARCHAR  NOT NULL,
    call_count        BIGINT   NOT NULL,
    sum_seconds       DOUBLE PRECISION NOT NULL,
    b00 BIGINT NOT NULL, b01 BIGINT NOT NULL, b02 BIGINT NOT NULL, b03 BIGINT NOT NULL, b04 BIGINT NOT NULL,
    b05 BIGINT NOT NULL, b06 BIGINT NOT NULL, b07 BIGINT NOT NULL, b08 BIGINT NOT NULL, b09 BIGINT NOT NULL,
    b10 BIGINT NOT NULL, b11 BIGINT NOT NULL, b12 BIGINT NOT NULL, b13 BIGINT NOT NULL, b14 BIGINT NOT NULL,
    PRIMARY KEY (minute_unix_s, service_name, server_address, server_port, route, http_method, http_status_code, error_type,
        call_kind)
);
MERGE INTO rollup_minute_v5 KEY (minute_unix_s, service_name, server_address, server_port, route, http_method, http_status_code,
        error_type, call_kind)
    SELECT minute_unix_s, service_name, server_address, server_port, route, http_method, http_status_code, error_type,
        call_kind, call_count, sum_seconds, b00, b01, b02, b03, b04, b05, b06, b07, b08, b09, b10, b11, b12, b13, b14
    FROM rollup_minute_v4;
DROP TABLE IF EXISTS rollup_minute_v4;
ALTER TABLE IF EXISTS rollup_minute_v5 RENAME TO rollup_minute;

-- rollup_hour: renamed aside, copied into the new shape, dropped. Every prefix of these statements re-runs cleanly: a
-- table renamed aside by an earlier, cut-short run is picked up again, and an empty stand-in makes the copy a no-op
-- once the old rows are gone.
ALTER TABLE IF EXISTS rollup_hour RENAME TO rollup_hour_v4;
CREATE TABLE IF NOT EXISTS rollup_hour_v4 (
    hour_unix_s            BIGINT   NOT NULL,
    service_name      VARCHAR  NOT NULL,
    server_address    VARCHAR  NOT NULL,
    server_port       INTEGER  NOT NULL,
    route             VARCHAR  NOT NULL,
    http_method       VARCHAR  NOT NULL,
    http_status_code  INTEGER  NOT NULL,
    error_type        VARCHAR  NOT NULL,
    call_count        BIGINT   NOT NULL,
    sum_seconds       DOUBLE PRECISION NOT NULL,
    b00 BIGINT NOT NULL, b01 BIGINT NOT NULL, b02 BIGINT NOT NULL, b03 BIGINT NOT NULL, b04 BIGINT NOT NULL,
    b05 BIGINT NOT NULL, b06 BIGINT NOT NULL, b07 BIGINT NOT NULL, b08 BIGINT NOT NULL, b09 BIGINT NOT NULL,
    b10 BIGINT NOT NULL, b11 BIGINT NOT NULL, b12 BIGINT NOT NULL, b13 BIGINT NOT NULL, b14 BIGINT NOT NULL
);
ALTER TABLE rollup_hour_v4 ADD COLUMN IF NOT EXISTS call_kind VARCHAR DEFAULT 'client' NOT NULL;
CREATE TABLE IF NOT EXISTS rollup_hour_v5 (
    hour_unix_s            BIGINT   NOT NULL,
    service_name      VARCHAR  NOT NULL,
    server_address    VARCHAR  NOT NULL,
    server_port       INTEGER  NOT NULL,
    route             VARCHAR  NOT NULL,
    http_method       VARCHAR  NOT NULL,
    http_status_code  INTEGER  NOT NULL,
    error_type        VARCHAR  NOT NULL,
    call_kind         VARCHAR  NOT NULL,
    call_count        BIGINT   NOT NULL,
    sum_seconds       DOUBLE PRECISION NOT NULL,
    b00 BIGINT NOT NULL, b01 BIGINT NOT NULL, b02 BIGINT NOT NULL, b03 BIGINT NOT NULL, b04 BIGINT NOT NULL,
    b05 BIGINT NOT NULL, b06 BIGINT NOT NULL, b07 BIGINT NOT NULL, b08 BIGINT NOT NULL, b09 BIGINT NOT NULL,
    b10 BIGINT NOT NULL, b11 BIGINT NOT NULL, b12 BIGINT NOT NULL, b13 BIGINT NOT NULL, b14 BIGINT NOT NULL,
    PRIMARY KEY (hour_unix_s, service_name, server_address, server_port, route, http_method, http_status_code, error_type,
        call_kind)
);
MERGE INTO rollup_hour_v5 KEY (hour_unix_s, service_name, server_address, server_port, route, http_method, http_status_code,
        error_type, call_kind)
    SELECT hour_unix_s, service_name, server_address, server_port, route, http_method, http_status_code, error_type,
        call_kind, call_count, sum_seconds, b00, b01, b02, b03, b04, b05, b06, b07, b08, b09, b10, b11, b12, b13, b14
    FROM rollup_hour_v4;
DROP TABLE IF EXISTS rollup_hour_v4;
ALTER TABLE IF EXISTS rollup_hour_v5 RENAME TO rollup_hour;
