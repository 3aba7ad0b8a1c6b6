// Phone call network: CALLED aggregated per (caller, callee) phone pair, for data without USES
// (e.g. VAST 2008), returned as parallel lists, $batch pairs per record (bulk transfer).
// $since (inclusive), $until (exclusive): time window on the call, null = open.
// $regions: list of regions; only calls routed through a cell tower (Location) of those regions.
CALL () {
  WITH $regions AS regions
  WHERE regions IS NOT NULL
  MATCH (t:Location)
  WHERE t.region IN regions
  RETURN collect(t.location_id) AS in_region
}
WITH CASE WHEN $regions IS NULL THEN null ELSE in_region END AS towers
MATCH (a:Phone)-[c:CALLED]->(b:Phone)
WHERE ($since IS NULL OR c.at >= $since)
  AND ($until IS NULL OR c.at < $until)
  AND (towers IS NULL OR c.tower IN towers)
// evidence: per pair the first $evidence call records in time order (provenance and values),
// none when $evidence is null or 0
WITH a, b, c ORDER BY c.at, c.call_id
WITH a, b, count(c) AS calls, sum(c.duration_s) AS duration_s, min(c.at) AS first, max(c.at) AS last,
     collect(c)[..coalesce($evidence, 0)] AS kept
// the maps built for the kept calls only, not for every call of the pair
WITH a, b, calls, duration_s, first, last,
     [c IN kept | {source: c.source, source_row: c.source_row, ingest_run: c.ingest_run,
       at: c.at.epochMillis, call_id: c.call_id, duration_s: c.duration_s, tower: c.tower}] AS evidence
WITH collect(a.number) AS src,
     collect(b.number) AS dst,
     collect(calls) AS calls,
     collect(duration_s) AS duration_s,
     collect(first.epochMillis) AS first_call,
     collect(last.epochMillis) AS last_call,
     collect(calls) AS record_count,
     collect(evidence) AS records
// one record per $batch pairs, so the client converts a batch at a time
UNWIND range(0, size(src) - 1, $batch) AS i
RETURN src[i..i + $batch] AS src,
       dst[i..i + $batch] AS dst,
       calls[i..i + $batch] AS calls,
       duration_s[i..i + $batch] AS duration_s,
       first_call[i..i + $batch] AS first_call,
       last_call[i..i + $batch] AS last_call,
       record_count[i..i + $batch] AS record_count,
       records[i..i + $batch] AS records
