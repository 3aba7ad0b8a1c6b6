// Record (or update, on a re-run) an ingest run and its per-file accounting, and the OS user
// who ran it (what stopped an earlier attempt, if one failed, is cleared: ingest_run_failed
// sets it; so is an undo of the run, when it is loaded again).
MERGE (run:IngestRun {run_id: $run_id})
SET run.started = $started,
    run.finished = $finished,
    run.seconds = $seconds,
    run.status = $status,
    run.attempts = coalesce(run.attempts, 0) + CASE WHEN $status = 'running' THEN 1 ELSE 0 END,
    run.files = $files,
    run.records = $records,
    run.sha256 = $sha256,
    run.rows_read = $rows_read,
    run.rows_loaded = $rows_loaded,
    run.rows_rejected = $rows_rejected,
    run.reject_files = $reject_files,
    run.file_seconds = $file_seconds,
    run.netintel_version = $netintel_version,
    run.neo4j_version = $neo4j_version,
    run.options = $options,
    run.user = $user,
    run.failed_file = null,
    run.error = null,
    run.undone = null,
    run.undone_by = null
RETURN run.run_id AS run_id, run.attempts AS attempts
