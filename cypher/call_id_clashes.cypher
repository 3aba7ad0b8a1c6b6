// Calls about to be written whose call_id an existing CALLED relationship holds between
// other phones (the uniqueness constraint would stop the write half-way); one row each.
UNWIND $rows AS row
MATCH (a:Phone)-[r:CALLED {call_id: row.call_id}]->(b:Phone)
WHERE a.number <> row.caller OR b.number <> row.callee
RETURN row.i AS i, r.call_id AS call_id, a.number AS caller, b.number AS callee,
       r.source AS source, r.source_row AS source_row, r.ingest_run AS ingest_run
