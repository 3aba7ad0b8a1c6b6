// Delete the inferred transfers (Transfer {inferred: true}) of analysis run $run_id with their
// relationships; returns how many were deleted. Recorded transfers are never touched.
MATCH (t:Transfer {run: $run_id})
WHERE t.inferred = true
DETACH DELETE t
RETURN count(*) AS deleted
