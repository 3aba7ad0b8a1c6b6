// The phones each of $person_ids uses (USES), with the record that says so.
UNWIND $person_ids AS pid
MATCH (p:Person {person_id: pid})-[u:USES]->(ph:Phone)
RETURN p.person_id AS person_id, ph.number AS number,
       u.since.epochMillis AS since, u.until.epochMillis AS until,
       u.source AS source, u.source_row AS source_row
ORDER BY person_id, number
