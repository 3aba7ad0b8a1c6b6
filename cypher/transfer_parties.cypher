// One transfer's time and the two people it passed between.
// (recorded transfers only: an inferred one is not found)
MATCH (t:Transfer {transfer_id: $transfer_id})
WHERE t.inferred IS NULL OR t.inferred = false
OPTIONAL MATCH (t)-[:FROM]->(f:Person)
OPTIONAL MATCH (t)-[:TO]->(r:Person)
RETURN t.transfer_id AS transfer_id, t.at.epochMillis AS at_ms,
       f.person_id AS from_id, r.person_id AS to_id
