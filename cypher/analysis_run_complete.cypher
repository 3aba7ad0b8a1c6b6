// Mark an analysis run whose per-node results are all written.
MATCH (run:AnalysisRun {run_id: $run_id})
SET run.status = 'complete'
RETURN run.run_id AS run_id
