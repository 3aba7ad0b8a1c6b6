// The options (JSON text, with the ingest's time zone) of the latest complete ingest run.
MATCH (r:IngestRun)
WHERE r.status = 'complete'
RETURN r.options AS options
ORDER BY r.finished DESC, r.started DESC
LIMIT 1
