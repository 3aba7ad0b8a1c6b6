// The ingest runs recorded in the graph, newest first (what clearing it would delete).
MATCH (run:IngestRun)
RETURN run.run_id AS run_id, run.started AS started
ORDER BY started DESC, run_id
