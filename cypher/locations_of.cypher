// The places whose location_id is in $ids: name, kind, latitude, longitude and region.
UNWIND $ids AS id
MATCH (l:Location {location_id: id})
RETURN l.location_id AS location_id, l.name AS name, l.kind AS kind, l.lat AS lat,
       l.lon AS lon, l.region AS region
