// Mark ingest run $run as being undone ($status 'undoing') or undone ('undone'): when, by
// which OS user. The node stays, so the history of the case keeps the run.
MATCH (run:IngestRun {run_id: $run})
SET run.status = $status, run.undone = $at, run.undone_by = $user
RETURN run.run_id AS run_id
