// Delete an analysis run and its per-node results; returns how many runs were deleted.
MATCH (run:AnalysisRun {run_id: $run_id})
DETACH DELETE run
RETURN count(*) AS deleted
