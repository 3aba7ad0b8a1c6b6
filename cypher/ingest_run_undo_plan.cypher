// What undoing ingest run $run would do, counted (nothing is written): the relationships it
// created and those of other kinds (analysis results) attached to the nodes it created, the
// nodes it created, the values it changed and added, and the elements it wrote last that
// existed before it (their provenance goes back to their previous writer).
CALL () {
  MATCH ()-[r]->() WHERE r.ingest_run = $run AND r.created_run = $run
  RETURN count(r) AS created_relationships
}
CALL () {
  MATCH (n)-[r]-() WHERE n.ingest_run = $run AND n.created_run = $run
    AND NOT (r.ingest_run = $run AND r.created_run = $run)
  RETURN count(DISTINCT r) AS attached_relationships
}
CALL () {
  MATCH (n) WHERE n.ingest_run = $run AND n.created_run = $run
  RETURN count(n) AS nodes
}
CALL () {
  MATCH (v:ValueChange {run: $run})
  RETURN count(v.old) AS values, count(v) - count(v.old) AS added
}
CALL () {
  MATCH (n) WHERE n.ingest_run = $run AND n.created_run <> $run
  RETURN count(n) AS restored_nodes
}
CALL () {
  MATCH ()-[r]->() WHERE r.ingest_run = $run AND r.created_run <> $run
  RETURN count(r) AS restored_relationships
}
RETURN created_relationships + attached_relationships AS relationships, nodes, values, added,
       restored_nodes + restored_relationships AS provenance
