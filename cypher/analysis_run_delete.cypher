// Delete an analysis run, its per-node results (IN_RUN), its predicted links (PREDICTED
// with run = $run_id) and its inferred transfers (Transfer {inferred: true, run: $run_id});
// returns how many runs were deleted.
MATCH (run:AnalysisRun {run_id: $run_id})
CALL (run) {
  MATCH (:Person)-[p:PREDICTED {run: run.run_id}]->(:Person)
  DELETE p
}
CALL (run) {
  MATCH (t:Transfer {run: run.run_id})
  WHERE t.inferred = true
  DETACH DELETE t
}
DETACH DELETE run
RETURN count(*) AS deleted
