// Element ids of the persons $person_ids (to start a neighbourhood expansion).
MATCH (p:Person)
WHERE p.person_id IN $person_ids
RETURN p.person_id AS person_id, elementId(p) AS eid
