// Every region named by a Location (cell towers, addresses) or a Case, for per-region batches.
CALL () {
  MATCH (l:Location) WHERE l.region IS NOT NULL RETURN l.region AS region
  UNION
  MATCH (c:Case) WHERE c.region IS NOT NULL RETURN c.region AS region
}
RETURN DISTINCT region ORDER BY region
