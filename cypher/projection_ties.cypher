// Tie network: people linked by TIE relationships (aggregated links loaded from network files
// and link charts), as parallel lists, $batch pairs per record (bulk transfer); one row per
// stored direction (src -> dst as stored), the ties of a pair summed.
// $kinds, $periods: lists of TIE.kind / TIE.period values to keep, null = all.
MATCH (a:Person)-[t:TIE]->(b:Person)
WHERE ($kinds IS NULL OR t.kind IN $kinds)
  AND ($periods IS NULL OR t.period IN $periods)
// evidence: per pair the first $evidence ties in file order (provenance and values), none
// when $evidence is null or 0
WITH a, b, t ORDER BY t.source, t.source_row
WITH a.person_id AS s,
     b.person_id AS d,
     sum(coalesce(t.weight, 1.0)) AS weight,
     count(t) AS ties,
     collect(DISTINCT t.kind) AS kinds,
     collect(t)[..coalesce($evidence, 0)] AS kept
WITH s, d, weight, ties, kinds,
     [k IN kept | {source: k.source, source_row: k.source_row, ingest_run: k.ingest_run,
       kind: k.kind, period: k.period, weight: k.weight}] AS evidence
WITH collect(s) AS src,
     collect(d) AS dst,
     collect(weight) AS weight,
     collect(ties) AS ties,
     collect(kinds) AS kinds,
     collect(ties) AS record_count,
     collect(evidence) AS records
// one record per $batch pairs, so the client converts a batch at a time
UNWIND range(0, size(src) - 1, $batch) AS i
RETURN src[i..i + $batch] AS src,
       dst[i..i + $batch] AS dst,
       weight[i..i + $batch] AS weight,
       ties[i..i + $batch] AS ties,
       kinds[i..i + $batch] AS kinds,
       record_count[i..i + $batch] AS record_count,
       records[i..i + $batch] AS records
