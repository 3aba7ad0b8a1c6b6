// Undo one input of an ingest run that a database error stopped, a slice at a time: the
// relationships run $run wrote from file $source, except those that existed before ($kept).
MATCH ()-[r]->()
WHERE r.ingest_run = $run AND r.source = $source AND NOT elementId(r) IN $kept
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS deleted
