// The first and last call time in the graph (epoch milliseconds; null without calls).
MATCH ()-[r:CALLED]->()
RETURN min(r.at).epochMillis AS first_ms, max(r.at).epochMillis AS last_ms
