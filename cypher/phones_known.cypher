// Which of the given numbers are phones in the graph.
UNWIND $numbers AS number
OPTIONAL MATCH (p:Phone {number: number})
RETURN number, p IS NOT NULL AS known
