// Undo one input of an ingest run that a database error stopped, a slice at a time: the
// nodes run $run created from file $source (with their relationships), except those that
// existed before ($kept).
MATCH (n)
WHERE n.ingest_run = $run AND n.source = $source AND NOT elementId(n) IN $kept
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted
