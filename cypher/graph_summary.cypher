// Node counts per label and relationship counts per type, one row each (from the count store).
CALL db.labels() YIELD label
CALL (label) {
  MATCH (n:$(label))
  RETURN count(n) AS count
}
RETURN 'node' AS kind, label AS name, count
UNION ALL
CALL db.relationshipTypes() YIELD relationshipType AS type
CALL (type) {
  MATCH ()-[r:$(type)]->()
  RETURN count(r) AS count
}
RETURN 'relationship' AS kind, type AS name, count
