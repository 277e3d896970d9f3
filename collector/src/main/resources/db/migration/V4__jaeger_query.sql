-- Span links and events, kept for the Jaeger query API (FOLLOWS_FROM references and logs): JSON array text,
-- links as [{"traceId","spanId"}], events as [{"timeUnixNano","name","attributes"}].
ALTER TABLE spans ADD COLUMN IF NOT EXISTS links VARCHAR DEFAULT '[]' NOT NULL;
ALTER TABLE spans ADD COLUMN IF NOT EXISTS events VARCHAR DEFAULT '[]' NOT NULL;

-- Every (service, span name, kind) seen, so listing services and operations never scans the spans.
CREATE TABLE IF NOT EXISTS span_operation (
    service_name      VARCHAR  NOT NULL,
    span_name         VARCHAR  NOT NULL,
    kind              SMALLINT NOT NULL,
    PRIMARY KEY (service_name, span_name, kind)
);
INSERT INTO span_operation (service_name, span_name, kind)
    SELECT DISTINCT service_name, name, kind FROM spans s
    WHERE NOT EXISTS (SELECT 1 FROM span_operation o
        WHERE o.service_name = s.service_name AND o.span_name = s.name AND o.kind = s.kind);

-- Trace search by service and operation over a time range, newest first.
CREATE INDEX IF NOT EXISTS spans_service_name_start ON spans (service_name, name, start_unix_nano);
