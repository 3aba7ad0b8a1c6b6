// The state of ingest run $run, for undoing it (no row: no such run).
MATCH (run:IngestRun {run_id: $run})
RETURN run.status AS status, run.undone AS undone, run.undone_by AS undone_by
