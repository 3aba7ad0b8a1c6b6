// The calls among phone $center and its contacts (the demo's call map): one row per
// (caller, callee) pair of the ring, with the call count, the seconds and the first record.
MATCH (c:Phone {number: $center})-[:CALLED]-(n:Phone)
WITH c, collect(DISTINCT n) + c AS ring
UNWIND ring AS a
MATCH (a)-[r:CALLED]->(b)
WHERE b IN ring
RETURN a.number AS a, b.number AS b, count(r) AS calls,
       sum(r.duration_s) AS seconds, min(r.source + ' row ' + toString(r.source_row)) AS first
