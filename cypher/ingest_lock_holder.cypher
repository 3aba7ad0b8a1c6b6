// Who holds the ingest lock (no row: nobody).
MATCH (lock:IngestLock {name: 'ingest'})
RETURN lock.token AS token, lock.run_id AS run_id, lock.pid AS pid, lock.host AS host,
       lock.started AS started
