// Undo ingest run $run: delete the nodes it created (their relationships are gone already),
// $limit per transaction (run in an auto-commit transaction).
MATCH (n) WHERE n.ingest_run = $run AND n.created_run = $run
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF $limit ROWS
RETURN count(*) AS done
