// Delete an analysis run, its per-node results (IN_RUN) and its predicted links (PREDICTED
// with run = $run_id); returns how many runs were deleted.
MATCH (run:AnalysisRun {run_id: $run_id})
CALL (run) {
  MATCH (:Person)-[p:PREDICTED {run: run.run_id}]->(:Person)
  DELETE p
}
DETACH DELETE run
RETURN count(*) AS deleted
