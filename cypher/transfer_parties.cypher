// One transfer's time and the two people it passed between.
MATCH (t:Transfer {transfer_id: $transfer_id})
OPTIONAL MATCH (t)-[:FROM]->(f:Person)
OPTIONAL MATCH (t)-[:TO]->(r:Person)
RETURN t.transfer_id AS transfer_id, t.at.epochMillis AS at_ms,
       f.person_id AS from_id, r.person_id AS to_id
