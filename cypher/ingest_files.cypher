// Every file of every ingest run with its row accounting (for the case report).
MATCH (r:IngestRun)
UNWIND range(0, size(r.files) - 1) AS i
RETURN r.run_id AS run, r.started AS started, r.status AS status,
       r.files[i] AS file, r.records[i] AS record, r.rows_read[i] AS read,
       r.rows_loaded[i] AS loaded, r.rows_rejected[i] AS rejected,
       r.reject_files[i] AS reject_file
ORDER BY started, run, file
