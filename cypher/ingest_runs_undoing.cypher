// The ingest runs whose undo is unfinished (status 'undoing': interrupted, or running now),
// which no ingest and no undo of another run may start beside.
MATCH (run:IngestRun {status: 'undoing'})
RETURN run.run_id AS run_id, run.undone AS since
ORDER BY since DESC, run_id
