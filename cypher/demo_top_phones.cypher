// The busiest phones of one source file (the demo's VAST 2008 call records): calls and
// seconds on the phone, either direction, most calls first.
// $source: the file name the calls were ingested from; $limit: how many phones.
MATCH (p:Phone)-[r:CALLED]-()
WHERE r.source = $source
RETURN p.number AS phone, count(r) AS calls, sum(r.duration_s) AS seconds
ORDER BY calls DESC, phone
LIMIT $limit
