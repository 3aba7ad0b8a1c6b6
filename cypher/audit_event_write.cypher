// Write one audit event (a line of the case's audit.jsonl) as an AuditEvent node; its key is
// the event's hash, so writing the same line twice makes one node.
MERGE (e:AuditEvent {hash: $event.hash})
SET e += $event
