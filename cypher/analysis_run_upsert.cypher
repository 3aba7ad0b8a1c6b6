// Create an analysis run with status 'writing' unless it exists (then it is left as it is).
// Returns what the stored run holds, so the caller can tell a re-write from a conflict.
MERGE (run:AnalysisRun {run_id: $run_id})
ON CREATE SET run += $props, run.status = 'writing'
RETURN run.result_hash AS result_hash, run.status AS status
