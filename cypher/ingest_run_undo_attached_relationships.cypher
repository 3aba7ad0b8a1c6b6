// Undo ingest run $run: delete the relationships of other kinds (analysis results, alias
// candidates) left on the nodes it created, which go next; $limit per transaction (run in an
// auto-commit transaction).
MATCH (n)-[r]-() WHERE n.ingest_run = $run AND n.created_run = $run
WITH DISTINCT r
CALL (r) { DELETE r } IN TRANSACTIONS OF $limit ROWS
RETURN count(*) AS done
