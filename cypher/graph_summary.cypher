// Node counts per label and relationship counts per type, one row each; labels and types that
// once existed but have no elements now are left out. Transfers an analysis proposed
// (inferred: true, written back only on request) are counted apart from recorded ones.
// AuditEvent nodes (one per command run, see `netintel audit`) are not counted.
CALL db.labels() YIELD label
WITH label WHERE label <> 'AuditEvent'
CALL (label) {
  MATCH (n:$(label))
  WHERE label <> 'Transfer' OR n.inferred IS NULL
  RETURN count(n) AS count
}
WITH label, count WHERE count > 0
RETURN 'node' AS kind, label AS name, count
UNION ALL
MATCH (t:Transfer) WHERE t.inferred = true
WITH count(t) AS count WHERE count > 0
RETURN 'node' AS kind, 'Transfer (inferred)' AS name, count
UNION ALL
CALL db.relationshipTypes() YIELD relationshipType AS type
CALL (type) {
  MATCH ()-[r:$(type)]->()
  RETURN count(r) AS count
}
WITH type, count WHERE count > 0
RETURN 'relationship' AS kind, type AS name, count
