// Take the ingest lock: fails (uniqueness constraint) while another ingest holds it.
CREATE (lock:IngestLock {name: 'ingest'})
SET lock.token = $token, lock.run_id = $run_id, lock.pid = $pid, lock.host = $host,
    lock.started = $started
RETURN lock.run_id AS run_id
