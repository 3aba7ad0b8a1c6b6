// Record the values an ingest run changed: one ValueChange per property of a node or
// relationship that a row set to a different value, with the new value's file and row and
// the old value's. The id (run, file, row, property) makes a re-run record nothing twice.
UNWIND $changes AS c
MERGE (v:ValueChange {change_id: c.change_id})
SET v += c
