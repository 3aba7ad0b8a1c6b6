// The values ingest runs changed (all runs, or run $run), oldest run first.
MATCH (v:ValueChange)
WHERE $run IS NULL OR v.run = $run
OPTIONAL MATCH (r:IngestRun {run_id: v.run})
RETURN v {.*} AS change
ORDER BY r.started, v.run, v.file, v.row, v.property
