// SAME_AS links with status $status (null = all).
MATCH (a:Person)-[r:SAME_AS]->(b:Person)
WHERE $status IS NULL OR r.status = $status
RETURN a.person_id AS a, b.person_id AS b, r.score AS score, r.evidence AS evidence,
       r.status AS status
ORDER BY a, b
