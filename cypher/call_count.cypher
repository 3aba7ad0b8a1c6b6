// How many calls the graph holds (from the count store: instant).
MATCH ()-[r:CALLED]->()
RETURN count(r) AS calls
