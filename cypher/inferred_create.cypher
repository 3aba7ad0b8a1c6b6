// Create one inferred (:Transfer {transfer_id, inferred: true, score, run, ...}) per row of
// $rows ({transfer_id, victim, giver, receiver, props}) with its OF, FROM and TO
// relationships; returns how many were created (rows whose people are missing make none).
UNWIND $rows AS row
MATCH (v:Person {person_id: row.victim})
MATCH (f:Person {person_id: row.giver})
MATCH (r:Person {person_id: row.receiver})
CREATE (t:Transfer)
SET t = row.props, t.transfer_id = row.transfer_id, t.inferred = true, t.run = $run_id
CREATE (t)-[:OF]->(v), (t)-[:FROM]->(f), (t)-[:TO]->(r)
RETURN count(t) AS created
