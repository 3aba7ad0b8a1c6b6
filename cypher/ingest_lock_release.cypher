// Release the ingest lock held by this process (or, with $force, whoever holds it).
MATCH (lock:IngestLock {name: 'ingest'})
WHERE $force OR (lock.pid = $pid AND lock.host = $host)
DELETE lock
RETURN count(*) AS released
