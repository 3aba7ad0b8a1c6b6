// Undo ingest run $run, a slice at a time: each value it changed gets its old value back, each
// property it added (old value null) is removed, on the element it still wrote last; the
// ValueChange records go with them, in the same transaction.
MATCH (v:ValueChange {run: $run})
WITH v LIMIT $limit
CALL (v) {
  MATCH (n) WHERE elementId(n) = v.element AND n.ingest_run = $run
  SET n[v.property] = v.old
  RETURN count(n) AS on_node
}
CALL (v) {
  MATCH ()-[r]->() WHERE elementId(r) = v.element AND r.ingest_run = $run
  SET r[v.property] = v.old
  RETURN count(r) AS on_relationship
}
WITH v, on_node + on_relationship AS applied, v.old IS NULL AS added
DELETE v
RETURN count(CASE WHEN applied > 0 AND NOT added THEN 1 END) AS restored,
       count(CASE WHEN applied > 0 AND added THEN 1 END) AS removed,
       count(CASE WHEN applied = 0 THEN 1 END) AS missed,
       count(*) AS done
