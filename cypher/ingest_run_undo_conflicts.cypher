// What stops undoing ingest run $run: the later ingest runs that wrote an element it wrote
// (each element's writers, oldest first, are prior_runs + [ingest_run]; the runs after $run's
// first write are later), or wrote a relationship to a node it created; and how many of its
// elements and ValueChange records lack what an undo needs (written before netintel kept it,
// or naming an element the database no longer holds by that id).
CALL () {
  MATCH (n)
  WHERE n.ingest_run = $run OR n.created_run = $run OR $run IN n.prior_runs
  RETURN coalesce(n.prior_runs, []) + [n.ingest_run] AS writers,
         n.ingest_run = $run AND (n.created_run IS NULL
           OR (n.created_run <> $run AND size(coalesce(n.prior_runs, [])) = 0)) AS unknown
  UNION ALL
  MATCH ()-[r]->()
  WHERE r.ingest_run = $run OR r.created_run = $run OR $run IN r.prior_runs
  RETURN coalesce(r.prior_runs, []) + [r.ingest_run] AS writers,
         r.ingest_run = $run AND (r.created_run IS NULL
           OR (r.created_run <> $run AND size(coalesce(r.prior_runs, [])) = 0)) AS unknown
}
WITH writers, unknown, [i IN range(0, size(writers) - 1) WHERE writers[i] = $run][0] AS first
WITH collect(CASE WHEN unknown THEN 1 END) AS unknown,
     collect([w IN writers[first + 1..] WHERE w <> $run]) AS later
CALL () {
  MATCH (n)-[r]-()
  WHERE n.created_run = $run AND r.ingest_run IS NOT NULL AND r.ingest_run <> $run
  RETURN collect(DISTINCT r.ingest_run) AS attached
}
CALL () {
  MATCH (v:ValueChange {run: $run})
  OPTIONAL MATCH (n) WHERE elementId(n) = v.element
  OPTIONAL MATCH ()-[r]->() WHERE elementId(r) = v.element
  WITH v, coalesce(n.ingest_run, r.ingest_run) AS writer
  RETURN count(CASE WHEN writer IS NULL THEN 1 END) AS old_changes
}
WITH size(unknown) AS unknown, old_changes,
     reduce(acc = attached, l IN later | acc + l) AS later
UNWIND (CASE WHEN size(later) = 0 THEN [null] ELSE later END) AS id
OPTIONAL MATCH (other:IngestRun {run_id: id})
WITH unknown, old_changes, other ORDER BY other.started DESC
RETURN unknown, old_changes, [r IN collect(DISTINCT other.run_id) WHERE r IS NOT NULL] AS later
