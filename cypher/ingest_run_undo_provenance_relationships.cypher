// Undo ingest run $run: the relationships it wrote last that existed before it get their
// previous writer's provenance back (the last of their prior_* lists, taken off), $limit per
// transaction (run in an auto-commit transaction).
MATCH ()-[x]->() WHERE x.ingest_run = $run AND x.created_run <> $run AND size(x.prior_runs) > 0
CALL (x) {
  WITH x, size(x.prior_runs) - 1 AS last
  SET x.ingest_run = x.prior_runs[last],
      x.source = CASE WHEN x.prior_sources[last] = '' THEN null ELSE x.prior_sources[last] END,
      x.source_row = CASE WHEN x.prior_rows[last] = -1 THEN null ELSE x.prior_rows[last] END
  SET x.prior_runs = CASE WHEN last = 0 THEN null ELSE x.prior_runs[..last] END,
      x.prior_sources = CASE WHEN last = 0 THEN null ELSE x.prior_sources[..last] END,
      x.prior_rows = CASE WHEN last = 0 THEN null ELSE x.prior_rows[..last] END
} IN TRANSACTIONS OF $limit ROWS
RETURN count(*) AS done
