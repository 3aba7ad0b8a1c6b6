// Create or update the AnalysisRun $run_id of a write-back store (kind $kind: a link
// prediction, a chain inference) with $props. Returns the kind the run had before (null when
// it is new): a run of another kind (communities, key players...) is left as it was, and the
// caller refuses the write.
MERGE (run:AnalysisRun {run_id: $run_id})
WITH run, run.kind AS before
FOREACH (_ IN CASE WHEN before IS NULL OR before = $kind THEN [1] ELSE [] END |
  SET run += $props
)
RETURN before
