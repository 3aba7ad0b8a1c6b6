// Create one (:Person)-[:PREDICTED {run, method, score, rank, ...}]->(:Person) per row of
// $rows ({u, v, props}); returns how many were created (rows whose people are missing make
// none). Hypotheses, not evidence: no projection or path search follows PREDICTED.
UNWIND $rows AS row
MATCH (a:Person {person_id: row.u})
MATCH (b:Person {person_id: row.v})
CREATE (a)-[p:PREDICTED]->(b)
SET p = row.props, p.run = $run_id
RETURN count(p) AS created
