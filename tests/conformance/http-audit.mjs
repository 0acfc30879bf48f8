// The graphql-http reference audit of the GraphQL over HTTP spec, against a live server.
// Usage: node http-audit.mjs http://127.0.0.1:PORT/graphql [token]
// Prints one JSON line per audit; exits 1 if any MUST fails (status "error").
// The audit introspects (__type); outside Development the service lets only authenticated callers do that, so a
// token, when given, rides on every request the audit makes.
import { auditServer } from 'graphql-http';

const [url, token] = process.argv.slice(2);
if (!url) {
  console.error('usage: node http-audit.mjs <graphql url> [token]');
  process.exit(2);
}

const fetchFn = token
  ? (input, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${token}`);
      return fetch(input, { ...init, headers });
    }
  : fetch;
const results = await auditServer({ url, fetchFn });
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
