// Delete the PREDICTED links of analysis run $run_id; returns how many were deleted.
MATCH (:Person)-[p:PREDICTED {run: $run_id}]->(:Person)
DELETE p
RETURN count(*) AS deleted
