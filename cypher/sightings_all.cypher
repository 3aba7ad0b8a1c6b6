// Every dated sighting: who was seen where and when, with the record that says so.
MATCH (p:Person)-[s:SEEN_AT]->(l:Location)
WHERE s.at IS NOT NULL
RETURN p.person_id AS entity, l.location_id AS place, s.at.epochMillis AS at_ms,
       s.source AS source, s.source_row AS source_row
