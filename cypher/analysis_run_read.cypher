// One analysis run: its properties and, as two parallel lists (bulk transfer), the key of
// every analysed node and the properties of its IN_RUN relationship (its results).
MATCH (run:AnalysisRun {run_id: $run_id})
CALL (run) {
  MATCH (n)-[r:IN_RUN]->(run)
  RETURN collect(n[run.node_key]) AS keys, collect(properties(r)) AS results
}
RETURN properties(run) AS run, keys, results
