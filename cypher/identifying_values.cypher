// Every value that identifies a person, as (kind, value) rows with the pseudonym kinds of
// netintel.viz.redact.PSEUDONYMISED: what a redacted report must not show.
MATCH (p:Person)
UNWIND [['person', p.person_id], ['name', p.name], ['nid', p.national_id]]
       + [a IN coalesce(p.aliases, []) | ['name', a]] AS kv
WITH kv WHERE kv[1] IS NOT NULL
RETURN kv[0] AS kind, toString(kv[1]) AS value
UNION
MATCH (f:Phone)
UNWIND [['phone', f.number], ['imei', f.imei]] AS kv
WITH kv WHERE kv[1] IS NOT NULL
RETURN kv[0] AS kind, toString(kv[1]) AS value
UNION
MATCH (s:Sample)
RETURN 'sample' AS kind, s.sample_id AS value
