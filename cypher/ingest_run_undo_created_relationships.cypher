// Undo ingest run $run: delete the relationships it created, $limit per transaction (run in an
// auto-commit transaction; an interrupted sweep keeps what it committed, a re-run does the rest).
MATCH ()-[r]->() WHERE r.ingest_run = $run AND r.created_run = $run
CALL (r) { DELETE r } IN TRANSACTIONS OF $limit ROWS
RETURN count(*) AS done
