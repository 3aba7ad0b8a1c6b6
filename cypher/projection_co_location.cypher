// Co-location network: pairs of people seen at the same location (SEEN_AT) within $window_ms
// milliseconds of each other, as parallel lists, $batch pairs per record (bulk transfer);
// each pair once, person_id of src < dst.
// meetings = pairs of sightings (one of each person) within the window.
// $since (inclusive), $until (exclusive): both sightings in that window, null = open.
// $regions: list of regions; only locations of those regions, null = all.
MATCH (a:Person)-[s:SEEN_AT]->(l:Location)<-[t:SEEN_AT]-(b:Person)
WHERE a.person_id < b.person_id
  AND abs(s.at.epochMillis - t.at.epochMillis) <= $window_ms
  AND ($since IS NULL OR (s.at >= $since AND t.at >= $since))
  AND ($until IS NULL OR (s.at < $until AND t.at < $until))
  AND ($regions IS NULL OR l.region IN $regions)
WITH a, b, l,
     CASE WHEN s.at < t.at THEN s.at ELSE t.at END AS early,
     CASE WHEN s.at < t.at THEN t.at ELSE s.at END AS late
WITH a, b, count(*) AS meetings, collect(DISTINCT l.location_id) AS location_ids,
     min(early) AS first, max(late) AS last
WITH collect(a.person_id) AS src,
     collect(b.person_id) AS dst,
     collect(meetings) AS meetings,
     collect(location_ids) AS location_ids,
     collect(first.epochMillis) AS first_meeting,
     collect(last.epochMillis) AS last_meeting
// one record per $batch pairs, so the client converts a batch at a time
UNWIND range(0, size(src) - 1, $batch) AS i
RETURN src[i..i + $batch] AS src,
       dst[i..i + $batch] AS dst,
       meetings[i..i + $batch] AS meetings,
       location_ids[i..i + $batch] AS location_ids,
       first_meeting[i..i + $batch] AS first_meeting,
       last_meeting[i..i + $batch] AS last_meeting
