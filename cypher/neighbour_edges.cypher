// The relationships of types $types around the nodes $eids (element ids), one row per
// relationship record, with both ends named '<Label>:<key>' and their names, the record's
// id (call_id, or the transfer's id for FROM/TO/OF/AT/PART_OF), its time (the call's, the
// sighting's or the transfer's, epoch milliseconds) and provenance, and the far node's
// degree (its relationships of those types).
UNWIND $eids AS eid
MATCH (n)
WHERE elementId(n) = eid
MATCH (n)-[r:$any($types)]-(m)
// inferred transfers (inferred: true) are hypotheses: no path or map of evidence goes through
WHERE NOT (m:Transfer AND coalesce(m.inferred, false)) AND NOT (n:Transfer AND coalesce(n.inferred, false))
WITH n, m, collect(r) AS rels
WITH n, m, rels, COUNT { (m)-[:$any($types)]-() } AS degree
UNWIND rels AS r
RETURN elementId(n) AS u_eid, elementId(m) AS v_eid,
       labels(n)[0] + ':' + toString(coalesce(n.person_id, n.number, n.location_id, n.case_id,
                                              n.transfer_id, n.sample_id)) AS u,
       labels(m)[0] + ':' + toString(coalesce(m.person_id, m.number, m.location_id, m.case_id,
                                              m.transfer_id, m.sample_id)) AS v,
       type(r) AS type, coalesce(r.call_id, n.transfer_id, m.transfer_id) AS id,
       r.source AS source, r.source_row AS source_row, elementId(r) AS rel_eid,
       degree AS v_degree, n.name AS u_name, m.name AS v_name,
       coalesce(r.at, CASE WHEN n:Transfer THEN n.at END,
                CASE WHEN m:Transfer THEN m.at END).epochMillis AS at
