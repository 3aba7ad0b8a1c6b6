// The options (JSON text) of the latest ingest runs, newest first (e.g. their phone region).
MATCH (run:IngestRun)
WHERE run.options IS NOT NULL
RETURN run.options AS options
ORDER BY run.started DESC
LIMIT $limit
