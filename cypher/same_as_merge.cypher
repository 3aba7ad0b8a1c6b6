// Write entity-resolution candidates (rows: a, b, score, evidence) as SAME_AS links.
// Idempotent; an existing link (either direction) is updated but its status is kept,
// so an analyst's 'confirmed' or 'rejected' is never overwritten.
UNWIND $rows AS row
MATCH (a:Person {person_id: row.a})
MATCH (b:Person {person_id: row.b})
MERGE (a)-[r:SAME_AS]-(b)
ON CREATE SET r.status = 'candidate', r.created = datetime()
SET r.score = row.score,
    r.evidence = row.evidence,
    r.source = coalesce(r.source, 'alias_candidates'),
    r.ingest_run = $run,
    r.updated = datetime()
