-- Policy events from the agent's counters, one row per minute and event key; event_count is added to, never
-- overwritten. call_event is retries, timeouts or rejections; cause is the retry or rejection reason, or the
-- timeout kind; qualifier is the retry source or the timeout mode, empty for rejections.
CREATE TABLE IF NOT EXISTS call_event_minute (
    minute_unix_s     BIGINT   NOT NULL,
    service_name      VARCHAR  NOT NULL,
    server_address    VARCHAR  NOT NULL,
    server_port       INTEGER  NOT NULL,
    route             VARCHAR  NOT NULL,
    http_method       VARCHAR  NOT NULL,
    call_event        VARCHAR  NOT NULL,
    cause             VARCHAR  NOT NULL,
    qualifier         VARCHAR  NOT NULL,
    event_count       BIGINT   NOT NULL,
    PRIMARY KEY (minute_unix_s, service_name, server_address, server_port, route, http_method, call_event, cause,
        qualifier)
);

-- The latest reported state of each circuit breaker (0 closed, 1 open, 2 half-open) and when it was reported.
CREATE TABLE IF NOT EXISTS circuit_breaker_state (
    service_name      VARCHAR  NOT NULL,
    policy            VARCHAR  NOT NULL,
    upstream          VARCHAR  NOT NULL,
    state             SMALLINT NOT NULL,
    time_unix_nano    BIGINT   NOT NULL,
    PRIMARY KEY (service_name, policy, upstream)
);
