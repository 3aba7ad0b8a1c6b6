// Every transfer (or only those of victim $victim; null = all) with its victim, giver,
// receiver (ids and names), place, region and case, and the record that says so.
// Recorded transfers only: inferred ones (inferred: true, netintel.inferred) unless
// $inferred is true.
MATCH (t:Transfer)
WHERE coalesce($inferred, false) OR t.inferred IS NULL OR t.inferred = false
OPTIONAL MATCH (t)-[:OF]->(v:Person)
WITH t, v
WHERE $victim IS NULL OR v.person_id = $victim
OPTIONAL MATCH (t)-[:FROM]->(f:Person)
OPTIONAL MATCH (t)-[:TO]->(r:Person)
OPTIONAL MATCH (t)-[:AT]->(l:Location)
OPTIONAL MATCH (t)-[:PART_OF]->(c:Case)
RETURN t.transfer_id AS transfer_id, t.at.epochMillis AS at, v.person_id AS victim_id,
       f.person_id AS from_id, r.person_id AS to_id, l.location_id AS location_id,
       coalesce(l.region, c.region) AS region, c.case_id AS case_id,
       t.source AS source, t.source_row AS source_row,
       v.name AS victim_name, f.name AS from_name, r.name AS to_name
