// How many nodes the graph holds, how many of them are ingest runs (for `netintel db list`)
// and how many are audit events (which a bulk load may replace: the audit log keeps them).
CALL () { MATCH (n) RETURN count(n) AS nodes }
CALL () { MATCH (run:IngestRun) RETURN count(run) AS ingest_runs }
CALL () { MATCH (e:AuditEvent) RETURN count(e) AS audit_events }
RETURN nodes, ingest_runs, audit_events
