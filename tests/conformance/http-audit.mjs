// The graphql-http reference audit of the GraphQL over HTTP spec, against a live server.
// Usage: node http-audit.mjs http://127.0.0.1:PORT/graphql
// Prints one JSON line per audit; exits 1 if any MUST fails (status "error").
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node http-audit.mjs <graphql url>');
  process.exit(2);
}

const results = await auditServer({ url });
let mustFailures = 0;
for (const result of results) {
  if (result.status === 'error') mustFailures++;
  const line = { id: result.id, status: result.status, name: result.name };
  if (result.status !== 'ok') line.reason = result.reason;
  console.log(JSON.stringify(line));
}
const count = (status) => results.filter((r) => r.status === status).length;
console.log(`${count('ok')} passed, ${mustFailures} failed, ${count('warn')} warned`);
process.exit(mustFailures === 0 ? 0 : 1);
