// Wait until every index of the schema is online (after the constraints and indexes are created).
CALL db.awaitIndexes(300)
