// What stopped a failed ingest run: the input whose write the database refused, and why.
MATCH (run:IngestRun {run_id: $run_id})
SET run.failed_file = $file, run.error = $error
RETURN run.run_id AS run_id
