// Call records made or received by any of $numbers (optionally with $start_ms <= at <= $end_ms).
CALL (*) {
  UNWIND $numbers AS num
  MATCH (a:Phone {number: num})-[r:CALLED]->(b:Phone)
  RETURN a, r, b
  UNION
  UNWIND $numbers AS num
  MATCH (a:Phone)-[r:CALLED]->(b:Phone {number: num})
  RETURN a, r, b
}
WITH a, r, b
WHERE ($start_ms IS NULL OR r.at >= datetime({epochMillis: $start_ms}))
  AND ($end_ms IS NULL OR r.at <= datetime({epochMillis: $end_ms}))
RETURN r.call_id AS call_id, a.number AS caller, b.number AS callee,
       r.at.epochMillis AS at, r.duration_s AS duration_s, r.tower AS tower,
       r.source AS source, r.source_row AS source_row
