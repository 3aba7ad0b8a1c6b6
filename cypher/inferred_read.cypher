// The inferred transfers of analysis run $run_id (null: of every run), with the names of the
// victim, giver and receiver, by run, victim and position.
MATCH (t:Transfer)
WHERE t.inferred = true AND ($run_id IS NULL OR t.run = $run_id)
OPTIONAL MATCH (t)-[:OF]->(v:Person)
OPTIONAL MATCH (t)-[:FROM]->(f:Person)
OPTIONAL MATCH (t)-[:TO]->(r:Person)
RETURN t.run AS run, t.transfer_id AS transfer_id, t.hop_id AS hop_id,
       v.person_id AS victim_id, v.name AS victim_name, t.kind AS kind,
       t.position AS position, f.person_id AS from_id, f.name AS from_name,
       r.person_id AS to_id, r.name AS to_name, t.at.epochMillis AS at, t.score AS score,
       t.rule AS rule, t.evidence_count AS evidence_count, t.evidence AS evidence
ORDER BY run, victim_id, position
