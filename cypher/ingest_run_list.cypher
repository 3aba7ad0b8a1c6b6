// The ingest runs recorded in the graph, newest first: when, by whom, which files, how many
// rows loaded, and their status (running, complete, failed, undoing, undone).
MATCH (run:IngestRun)
RETURN run.run_id AS run_id, run.started AS started, run.user AS user, run.status AS status,
       run.files AS files, reduce(n = 0, x IN coalesce(run.rows_loaded, []) | n + x) AS rows_loaded,
       run.undone AS undone, run.undone_by AS undone_by
ORDER BY started DESC, run_id
