// Co-offending network: pairs of people who are suspects in the same case (SUSPECT_IN), as
// parallel lists, $batch pairs per record (bulk transfer); each pair once, person_id of src < dst.
// $since (inclusive), $until (exclusive): dates; only cases opened in that window, null = open.
// $regions: list of regions; only cases of those regions, null = all.
// evidence: per pair the two SUSPECT_IN records (one of each person) of its first cases by
// opening date, $evidence records at most (none when $evidence is null or 0)
MATCH (a:Person)-[ra:SUSPECT_IN]->(c:Case)<-[rb:SUSPECT_IN]-(b:Person)
WHERE a.person_id < b.person_id
  AND ($since IS NULL OR c.opened >= $since)
  AND ($until IS NULL OR c.opened < $until)
  AND ($regions IS NULL OR c.region IN $regions)
WITH a, b, c, ra, rb ORDER BY c.opened, c.case_id
WITH a, b, count(c) AS cases, collect(c.case_id) AS case_ids,
     collect([c, ra, a, rb, b])[..(coalesce($evidence, 0) + 1) / 2] AS kept
WITH a, b, cases, case_ids,
     reduce(acc = [], k IN kept | acc +
       [x IN [[k[1], k[2]], [k[3], k[4]]] | {source: x[0].source, source_row: x[0].source_row,
         ingest_run: x[0].ingest_run, case_id: k[0].case_id, opened: toString(k[0].opened),
         person_id: x[1].person_id, role: x[0].role}])[..coalesce($evidence, 0)] AS evidence
WITH collect(a.person_id) AS src,
     collect(b.person_id) AS dst,
     collect(cases) AS cases,
     collect(case_ids) AS case_ids,
     collect(2 * cases) AS record_count,
     collect(evidence) AS records
// one record per $batch pairs, so the client converts a batch at a time
UNWIND range(0, size(src) - 1, $batch) AS i
RETURN src[i..i + $batch] AS src,
       dst[i..i + $batch] AS dst,
       cases[i..i + $batch] AS cases,
       case_ids[i..i + $batch] AS case_ids,
       record_count[i..i + $batch] AS record_count,
       records[i..i + $batch] AS records
