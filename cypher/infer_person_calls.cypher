// Every call record lifted to the people who use its two phones (USES), for the inference
// of missing hand-overs; calls of a phone nobody is known to use are left out.
MATCH (pa:Person)-[:USES]->(a:Phone)-[r:CALLED]->(b:Phone)<-[:USES]-(pb:Person)
WHERE pa <> pb
RETURN pa.person_id AS person_a, pb.person_id AS person_b, r.at.epochMillis AS at_ms,
       r.call_id AS call_id, r.source AS source, r.source_row AS source_row
