// The names of the people whose person_id is in $ids.
UNWIND $ids AS id
MATCH (p:Person {person_id: id})
RETURN p.person_id AS person_id, p.name AS name
