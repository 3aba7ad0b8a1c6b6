// Every person_id and phone number (to suggest close matches for an unknown id).
MATCH (p:Person)
RETURN p.person_id AS id
UNION ALL
MATCH (ph:Phone)
RETURN ph.number AS id
