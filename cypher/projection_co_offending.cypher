// Co-offending network: pairs of people who are suspects in the same case (SUSPECT_IN), as
// parallel lists, $batch pairs per record (bulk transfer); each pair once, person_id of src < dst.
// $since (inclusive), $until (exclusive): dates; only cases opened in that window, null = open.
// $regions: list of regions; only cases of those regions, null = all.
MATCH (a:Person)-[:SUSPECT_IN]->(c:Case)<-[:SUSPECT_IN]-(b:Person)
WHERE a.person_id < b.person_id
  AND ($since IS NULL OR c.opened >= $since)
  AND ($until IS NULL OR c.opened < $until)
  AND ($regions IS NULL OR c.region IN $regions)
WITH a, b, count(c) AS cases, collect(c.case_id) AS case_ids
WITH collect(a.person_id) AS src,
     collect(b.person_id) AS dst,
     collect(cases) AS cases,
     collect(case_ids) AS case_ids
// one record per $batch pairs, so the client converts a batch at a time
UNWIND range(0, size(src) - 1, $batch) AS i
RETURN src[i..i + $batch] AS src,
       dst[i..i + $batch] AS dst,
       cases[i..i + $batch] AS cases,
       case_ids[i..i + $batch] AS case_ids
