// Every (Person)-[:USES]->(Phone) record.
MATCH (p:Person)-[u:USES]->(ph:Phone)
RETURN p.person_id AS person_id, ph.number AS number, u.source AS source, u.source_row AS source_row
