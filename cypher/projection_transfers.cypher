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
WITH a, b, count(t) AS transfers, sum(t.amount) AS amount, min(t.at) AS first, max(t.at) AS last,
     collect(t.transfer_id) AS transfer_ids, collect(victims) AS victims
WITH collect(a.person_id) AS src,
     collect(b.person_id) AS dst,
     collect(transfers) AS transfers,
     collect(amount) AS amount,
     collect(first.epochMillis) AS first_transfer,
     collect(last.epochMillis) AS last_transfer,
     collect(transfer_ids) AS transfer_ids,
     collect(victims) AS victims
// one record per $batch pairs, so the client converts a batch at a time
UNWIND range(0, size(src) - 1, $batch) AS i
RETURN src[i..i + $batch] AS src,
       dst[i..i + $batch] AS dst,
       transfers[i..i + $batch] AS transfers,
       amount[i..i + $batch] AS amount,
       first_transfer[i..i + $batch] AS first_transfer,
       last_transfer[i..i + $batch] AS last_transfer,
       transfer_ids[i..i + $batch] AS transfer_ids,
       victims[i..i + $batch] AS victims
