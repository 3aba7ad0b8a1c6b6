// Properties of the people whose person_id is in $keys, as two parallel lists (bulk transfer).
UNWIND $keys AS key
MATCH (n:Person {person_id: key})
RETURN collect(key) AS key, collect(properties(n)) AS props
