// How many nodes the graph holds, and how many of them are ingest runs (for `netintel db list`).
CALL () { MATCH (n) RETURN count(n) AS nodes }
CALL () { MATCH (run:IngestRun) RETURN count(run) AS ingest_runs }
RETURN nodes, ingest_runs
