// The newest audit event the database holds (highest seq): what a log's tail is checked by.
MATCH (e:AuditEvent)
RETURN e.seq AS seq, e.hash AS hash
ORDER BY e.seq DESC
LIMIT 1
