// Properties of the phones whose number is in $keys, as two parallel lists (bulk transfer).
UNWIND $keys AS key
MATCH (n:Phone {number: key})
RETURN collect(key) AS key, collect(properties(n)) AS props
