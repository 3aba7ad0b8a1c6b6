// Transfer network: seller -> buyer pairs from Transfer FROM/TO (self-transfers left out),
// as parallel lists, $batch pairs per record (bulk transfer).
// $since (inclusive), $until (exclusive): time window on the transfer, null = open.
// $regions: list of regions; only transfers AT a location of those regions, null = all.
// Recorded transfers only: inferred ones (inferred: true) are hypotheses, never edges here.
MATCH (a:Person)<-[:FROM]-(t:Transfer)-[:TO]->(b:Person)
WHERE a <> b
  AND (t.inferred IS NULL OR t.inferred = false)
  AND ($since IS NULL OR t.at >= $since)
  AND ($until IS NULL OR t.at < $until)
  AND ($regions IS NULL OR EXISTS {
    MATCH (t)-[:AT]->(l:Location)
    WHERE l.region IN $regions
  })
WITH a, b, t, [(t)-[:OF]->(v:Person) | v.person_id] AS victims
// evidence: per pair the first $evidence transfers in time order (provenance and values),
// none when $evidence is null or 0
ORDER BY t.at, t.transfer_id
WITH a, b, count(t) AS transfers, sum(t.amount) AS amount, min(t.at) AS first, max(t.at) AS last,
     collect(t.transfer_id) AS transfer_ids, collect(victims) AS victims,
     collect([t, victims])[..coalesce($evidence, 0)] AS kept
WITH a, b, transfers, amount, first, last, transfer_ids, victims,
     [k IN kept | {source: k[0].source, source_row: k[0].source_row,
       ingest_run: k[0].ingest_run, at: k[0].at.epochMillis, transfer_id: k[0].transfer_id,
       amount: k[0].amount, victims: k[1]}] AS evidence
WITH collect(a.person_id) AS src,
     collect(b.person_id) AS dst,
     collect(transfers) AS transfers,
     collect(amount) AS amount,
     collect(first.epochMillis) AS first_transfer,
     collect(last.epochMillis) AS last_transfer,
     collect(transfer_ids) AS transfer_ids,
     collect(victims) AS victims,
     collect(transfers) AS record_count,
     collect(evidence) AS records
// one record per $batch pairs, so the client converts a batch at a time
UNWIND range(0, size(src) - 1, $batch) AS i
RETURN src[i..i + $batch] AS src,
       dst[i..i + $batch] AS dst,
       transfers[i..i + $batch] AS transfers,
       amount[i..i + $batch] AS amount,
       first_transfer[i..i + $batch] AS first_transfer,
       last_transfer[i..i + $batch] AS last_transfer,
       transfer_ids[i..i + $batch] AS transfer_ids,
       victims[i..i + $batch] AS victims,
       record_count[i..i + $batch] AS record_count,
       records[i..i + $batch] AS records
