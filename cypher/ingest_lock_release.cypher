// Release the ingest lock this ingest took (its $token), or, with $force, whoever holds it.
MATCH (lock:IngestLock {name: 'ingest'})
WHERE $force OR lock.token = $token
DELETE lock
RETURN count(*) AS released
