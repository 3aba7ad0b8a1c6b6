// The ingest runs that may have written an element after ingest run $run first wrote it:
// every other run not undone that has not finished, or finished after $run started. All the
// others when $run ran more than once (an earlier attempt started before its recorded
// start) or has no start recorded. What undoing $run checks the later writers among.
MATCH (me:IngestRun {run_id: $run})
OPTIONAL MATCH (other:IngestRun)
WHERE other.run_id <> $run AND coalesce(other.status, '') <> 'undone'
  AND (coalesce(me.attempts, 1) > 1 OR me.started IS NULL OR other.finished IS NULL
       OR other.finished >= me.started)
RETURN collect(other.run_id) AS later
