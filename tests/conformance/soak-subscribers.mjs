// Soak (issue 15) helper: N graphql-ws subscribers on `events`, all kinds, for as long as it runs. Every second it
// rewrites <count file> with "received errors open" so the soak can report what the subscribers saw each minute.
//   node soak-subscribers.mjs <graphql url> <access token> <subscribers> <count file>
import { writeFileSync } from 'node:fs';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [url, token, count, file] = process.argv.slice(2);
if (!url || !token || !file) {
  console.error('usage: node soak-subscribers.mjs <graphql url> <access token> <subscribers> <count file>');
  process.exit(2);
}

let received = 0;
let errors = 0;
let open = 0;
const wsUrl = url.replace(/^http/, 'ws');
for (let i = 0; i < Number(count); i++) {
  const client = createClient({ url: wsUrl, webSocketImpl: WebSocket, retryAttempts: 1000, connectionParams: { authorization: `Bearer ${token}` } });
  open++;
  client.subscribe({ query: 'subscription { events { id kind } }' }, {
    next: () => { received++; },
    error: () => { errors++; open--; },
    complete: () => { open--; },
  });
}

setInterval(() => writeFileSync(file, `${received} ${errors} ${open}\n`), 1000);
