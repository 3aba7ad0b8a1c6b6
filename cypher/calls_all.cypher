// Every call record (optionally with $start_ms <= at <= $end_ms, epoch milliseconds; null = open).
MATCH (a:Phone)-[r:CALLED]->(b:Phone)
WHERE ($start_ms IS NULL OR r.at >= datetime({epochMillis: $start_ms}))
  AND ($end_ms IS NULL OR r.at <= datetime({epochMillis: $end_ms}))
RETURN r.call_id AS call_id, a.number AS caller, b.number AS callee,
       r.at.epochMillis AS at, r.duration_s AS duration_s, r.tower AS tower,
       r.source AS source, r.source_row AS source_row
