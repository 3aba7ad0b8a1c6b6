// An analyst's decision on SAME_AS links (rows: a, b, status, by); creates a manual link
// when there is none.
UNWIND $rows AS row
MATCH (a:Person {person_id: row.a})
MATCH (b:Person {person_id: row.b})
MERGE (a)-[r:SAME_AS]-(b)
ON CREATE SET r.source = 'analyst', r.created = datetime()
SET r.status = row.status, r.decided_by = row.by, r.decided = datetime()
