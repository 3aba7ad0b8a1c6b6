// What the database holds of one ingest run, per source file: the distinct rows (source_row)
// that the nodes and relationships written by run $run name as their provenance.
CALL () {
  MATCH (n) WHERE n.ingest_run = $run AND n.source IS NOT NULL
  RETURN n.source AS source, n.source_row AS row
  UNION
  MATCH ()-[r]->() WHERE r.ingest_run = $run AND r.source IS NOT NULL
  RETURN r.source AS source, r.source_row AS row
}
RETURN source, count(row) AS rows
ORDER BY source
