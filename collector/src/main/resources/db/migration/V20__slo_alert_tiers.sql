-- SLO alerts by burn tier (page-fast, page-slow, ticket-fast, ticket-slow) and no-data, instead of one per severity:
-- slo_alert replaces slo_alert_state, whose key (slo, severity) cannot hold two page tiers. A page or ticket that
-- fired before the upgrade is not carried over: the first evaluation after it fires the tier that now holds, under
-- its burn_tier label (Alertmanager lets the old, label-less alert expire, as the collector re-sent it with an end a
-- few intervals ahead). Events keep their severity and get the alert key, empty for the ones recorded before.
-- Every statement is idempotent (H2 commits DDL as it goes).
CREATE TABLE IF NOT EXISTS slo_alert (
    slo               VARCHAR  NOT NULL,
    alert             VARCHAR  NOT NULL,
    firing            BOOLEAN  NOT NULL,
    since_unix_ms     BIGINT   NOT NULL,
    PRIMARY KEY (slo, alert)
);
ALTER TABLE slo_alert_event ADD COLUMN IF NOT EXISTS alert VARCHAR DEFAULT '' NOT NULL;
DROP TABLE IF EXISTS slo_alert_state;
