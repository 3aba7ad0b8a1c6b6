// Node counts per label and relationship counts per type (from the count store), one row each;
// labels and types that once existed but have no elements now are left out.
CALL db.labels() YIELD label
CALL (label) {
  MATCH (n:$(label))
  RETURN count(n) AS count
}
WITH label, count WHERE count > 0
RETURN 'node' AS kind, label AS name, count
UNION ALL
CALL db.relationshipTypes() YIELD relationshipType AS type
CALL (type) {
  MATCH ()-[r:$(type)]->()
  RETURN count(r) AS count
}
WITH type, count WHERE count > 0
RETURN 'relationship' AS kind, type AS name, count
