// The persons (by person_id) or else phones (by number) with the ids $ids, for a path
// search or a map's names: element id, label and name. Ids that match nothing return no row.
UNWIND $ids AS id
OPTIONAL MATCH (p:Person {person_id: id})
OPTIONAL MATCH (ph:Phone {number: id})
WITH id, coalesce(p, ph) AS n
WHERE n IS NOT NULL
RETURN id, labels(n)[0] AS label, elementId(n) AS eid, n.name AS name
