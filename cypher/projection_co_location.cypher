// Co-location network: pairs of people seen at the same location (SEEN_AT) within $window_ms
// milliseconds of each other, as parallel lists, $batch pairs per record (bulk transfer);
// each pair once, person_id of src < dst.
// $since (inclusive), $until (exclusive): only sightings in that window, null = open.
// $regions: list of regions; only locations of those regions, null = all.
// meetings = pairs of kept sightings (one of each person) at one location within the window.
// strength = the meetings discounted by how crowded the place was: for a sighting s of
// person a at location l, k(s) = the kept sightings at l by people other than a within
// $window_ms of s (inclusive); a meeting of sightings s and t weighs 2 / (k(s) + k(t)), and
// strength sums the pair's meetings. Two people seen alone together weigh 1 (k = 1 each);
// with n other people's sightings around both, 1 / (n + 1). Each k >= 1 (the other sighting).
// Sightings are gathered per location, so the work is quadratic in a location's sightings
// only (as a pattern match of the pairs would be), not in all sightings.
MATCH (a:Person)-[s:SEEN_AT]->(l:Location)
WHERE ($regions IS NULL OR l.region IN $regions)
  AND ($since IS NULL OR s.at >= $since)
  AND ($until IS NULL OR s.at < $until)
WITH l, collect(a.person_id) AS who, collect(s.at.epochMillis) AS ms, collect(s) AS seen
WHERE size(ms) > 1
WITH l, who, ms, seen, range(0, size(ms) - 1) AS idx
// k[i]: sightings at l by people other than who[i] within the window of sighting i
WITH l, who, ms, seen, idx,
     [i IN idx | size([j IN idx WHERE who[j] <> who[i] AND abs(ms[j] - ms[i]) <= $window_ms])]
       AS k
UNWIND idx AS i
UNWIND [j IN idx WHERE j > i AND who[j] <> who[i] AND abs(ms[j] - ms[i]) <= $window_ms] AS j
WITH l,
     CASE WHEN who[i] < who[j] THEN who[i] ELSE who[j] END AS a,
     CASE WHEN who[i] < who[j] THEN who[j] ELSE who[i] END AS b,
     CASE WHEN ms[i] < ms[j] THEN ms[i] ELSE ms[j] END AS early,
     CASE WHEN ms[i] < ms[j] THEN ms[j] ELSE ms[i] END AS late,
     2.0 / (k[i] + k[j]) AS w,
     [[seen[i], who[i], l.location_id], [seen[j], who[j], l.location_id]] AS pair
WITH a, b, count(*) AS meetings, sum(w) AS strength,
     collect(DISTINCT l.location_id) AS location_ids, min(early) AS first, max(late) AS last,
     collect(pair) AS pairs
// evidence: per pair the sightings behind its meetings (each once), the first $evidence in
// time order (provenance and values); none when $evidence is null or 0
CALL (pairs) {
  UNWIND pairs AS pair
  UNWIND pair AS x
  WITH DISTINCT x[0] AS s, x[1] AS person_id, x[2] AS location_id
  WITH s, person_id, location_id ORDER BY s.at, s.source, s.source_row
  WITH count(s) AS sightings, collect([s, person_id, location_id])[..coalesce($evidence, 0)] AS kept
  RETURN sightings,
         [k IN kept | {source: k[0].source, source_row: k[0].source_row,
           ingest_run: k[0].ingest_run, at: k[0].at.epochMillis,
           location_id: k[2], person_id: k[1]}] AS evidence
}
WITH collect(a) AS src,
     collect(b) AS dst,
     collect(meetings) AS meetings,
     collect(strength) AS strength,
     collect(location_ids) AS location_ids,
     collect(first) AS first_meeting,
     collect(last) AS last_meeting,
     collect(sightings) AS record_count,
     collect(evidence) AS records
// one record per $batch pairs, so the client converts a batch at a time
UNWIND range(0, size(src) - 1, $batch) AS i
RETURN src[i..i + $batch] AS src,
       dst[i..i + $batch] AS dst,
       meetings[i..i + $batch] AS meetings,
       strength[i..i + $batch] AS strength,
       location_ids[i..i + $batch] AS location_ids,
       first_meeting[i..i + $batch] AS first_meeting,
       last_meeting[i..i + $batch] AS last_meeting,
       record_count[i..i + $batch] AS record_count,
       records[i..i + $batch] AS records
