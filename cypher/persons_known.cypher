// Which of the given person ids are people in the graph.
UNWIND $ids AS id
OPTIONAL MATCH (p:Person {person_id: id})
RETURN id AS person_id, p IS NOT NULL AS known
