-- Statements are separated by a semicolon at the end of a line.
-- H2 commits DDL implicitly, so every statement is idempotent: a migration cut short re-runs cleanly.

CREATE TABLE IF NOT EXISTS spans (
    trace_id          CHAR(32)  NOT NULL,
    span_id           CHAR(16)  NOT NULL,
    parent_span_id    CHAR(16),
    service_name      VARCHAR   NOT NULL,
    scope_name        VARCHAR   NOT NULL,
    name              VARCHAR   NOT NULL,
    kind              SMALLINT  NOT NULL,
    start_unix_nano   BIGINT    NOT NULL,
    end_unix_nano     BIGINT    NOT NULL,
    duration_nano     BIGINT    NOT NULL,
    status_code       SMALLINT  NOT NULL,
    status_message    VARCHAR   NOT NULL,
    http_method       VARCHAR,
    server_address    VARCHAR,
    server_port       INTEGER,
    route             VARCHAR,
    http_status_code  INTEGER,
    error_type        VARCHAR,
    resend_count      INTEGER,
    attributes        VARCHAR   NOT NULL,
    resource_attributes VARCHAR NOT NULL,
    -- The key leads with trace_id, so it is also the trace_id index; exporters that retry re-upsert the same row.
    PRIMARY KEY (trace_id, span_id)
);

CREATE INDEX IF NOT EXISTS spans_service_start ON spans (service_name, start_unix_nano);

-- One row per minute and call key; b00..b14 count calls per canonical bucket
-- (le 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, +Inf), not cumulative.
CREATE TABLE IF NOT EXISTS rollup_minute (
    minute_unix_s     BIGINT   NOT NULL,
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
    b10 BIGINT NOT NULL, b11 BIGINT NOT NULL, b12 BIGINT NOT NULL, b13 BIGINT NOT NULL, b14 BIGINT NOT NULL,
    PRIMARY KEY (minute_unix_s, service_name, server_address, server_port, route, http_method, http_status_code, error_type)
);

-- Last point seen of each cumulative histogram stream, so deltas survive a restart.
CREATE TABLE IF NOT EXISTS cumulative_stream (
    stream_id         CHAR(64) NOT NULL PRIMARY KEY,
    start_unix_nano   BIGINT   NOT NULL,
    time_unix_nano    BIGINT   NOT NULL,
    point_count       BIGINT   NOT NULL,
    sum_value         DOUBLE PRECISION NOT NULL,
    bounds            VARCHAR  NOT NULL,
    bucket_counts     VARCHAR  NOT NULL
);
