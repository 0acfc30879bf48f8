// The operator map: MapLibre over our own vector tiles, kept live by the GraphQL subscriptions. Everything is
// served by the service itself (no CDN): control rooms may be offline.
import * as maplibregl from '/map/assets/maplibre-gl.mjs';
import { languages, strings } from '/map/assets/i18n.js';

const TOKEN_KEY = 'dispatch.map.token';
const LANGUAGE_KEY = 'dispatch.map.language';
const origin = location.origin;
const config = await (await fetch('/map/config.json')).json();

// The token lives for this tab only (sessionStorage): a shared control-room PC forgets it when the tab closes.
let token = sessionStorage.getItem(TOKEN_KEY) || '';
let language = localStorage.getItem(LANGUAGE_KEY) || (navigator.language || 'ru').slice(0, 2);
if (!languages.includes(language)) language = 'ru';
const t = (key) => strings[language][key] ?? strings.en[key] ?? key;

const colours = {
  regime: { DAILY: '#dfe7ee', HIGH_READINESS: '#f5a623', EMERGENCY: '#d0021b' },
  zoneKind: { ACTUAL: '#d7191c', FORECAST: '#fd8d3c', POTENTIAL: '#3182bd' },
  hazardClass: {
    CHEMICAL: '#7b3294', RADIATION: '#e7298a', BIOLOGICAL: '#1b9e77', EXPLOSIVE: '#d95f02', FIRE: '#e31a1c',
    HYDRAULIC: '#1f78b4', ENERGY: '#ff7f00', OTHER: '#666666',
  },
  profile: {
    FIRE: '#e31a1c', POLICE: '#1f4e9e', MEDICAL: '#2ca25f', RESCUE: '#ff7f00', UTILITY: '#8c6d31',
    MEDICAL_AVIATION: '#17becf', HAZMAT: '#984ea3',
  },
  unitStatus: {
    AVAILABLE: '#ffffff', HIGH_READINESS: '#ffe066', DISPATCHED: '#ffa94d', EN_ROUTE: '#ff6b6b', ON_SCENE: '#c92a2a',
    LEAVING: '#868e96', RETURNING: '#adb5bd', OUT_OF_SERVICE: '#212529',
  },
  stationLevel: { NO_DATA: '#adb5bd', NORMAL: '#2f9e44', ELEVATED: '#fcc419', HIGH: '#f76707', CRITICAL: '#c92a2a' },
  warningSeverity: { EXTREME: '#6f1d8e', SEVERE: '#c92a2a', MODERATE: '#f08c00', MINOR: '#fcc419', UNKNOWN: '#868e96' },
  incidentStatus: {
    RECEIVED: '#e03131', CLASSIFIED: '#f76707', RESPONDING: '#f59f00', LOCALISED: '#1c7ed6', LIQUIDATED: '#2f9e44', CLOSED: '#868e96',
  },
};
const match = (property, table, fallback) => ['match', ['get', property], ...Object.entries(table).flat(), fallback];

// One entry per map layer group: its tile source, style layers, legend, the event kinds that change it and how its
// card reads in GraphiQL. Groups with `events` follow the event stream (their changes carry no alert); the others
// follow the alerts.
const groups = [
  {
    id: 'territories', label: 'layer_territories', kinds: ['REGIME_DECLARED'], legend: [['regime', colours.regime, 'square']],
    title: (p) => p[`name_${language}`] || p.name_ru,
    card: ['regime', 'own_regime', 'level', 'id'],
    query: (p) => `{\n  territory(kato: "${p.id}") {\n    kato nameKk nameRu nameEn level areaKm2 population\n    regime { own effective decidedBy { regime basis declaredBy validFrom } }\n  }\n}`,
    layers: [
      { id: 'territories-fill', type: 'fill', filter: ['==', ['get', 'level'], 'DISTRICT'],
        paint: { 'fill-color': match('regime', colours.regime, '#dfe7ee'), 'fill-opacity': ['match', ['get', 'regime'], 'DAILY', 0.25, 0.45] } },
      { id: 'territories-district-line', type: 'line', minzoom: 5, filter: ['==', ['get', 'level'], 'DISTRICT'],
        paint: { 'line-color': '#8797a6', 'line-width': 0.6 } },
      { id: 'territories-region-line', type: 'line', filter: ['==', ['get', 'level'], 'REGION'],
        paint: { 'line-color': '#33475b', 'line-width': 1.4 } },
    ],
  },
  {
    id: 'zones', label: 'layer_zones', kinds: ['ZONE_CREATED', 'ZONE_CHANGED', 'ZONE_CLOSED'], closed: 'closedZones',
    legend: [['kind', colours.zoneKind, 'square']], title: (p) => p.name,
    card: ['kind', 'hazard', 'status', 'version', 'updated_at'],
    query: (p) => `{\n  zone(id: "${p.id}") {\n    id name kind hazard status version areaKm2 population\n    units { callSign profile status }\n    versions { version changedBy changedAt areaAddedKm2 areaRemovedKm2 }\n  }\n}`,
    layers: [
      { id: 'zones-fill', type: 'fill', paint: { 'fill-color': match('kind', colours.zoneKind, '#999'), 'fill-opacity': 0.3 } },
      { id: 'zones-line', type: 'line', paint: { 'line-color': match('kind', colours.zoneKind, '#999'), 'line-width': 2 } },
    ],
  },
  {
    id: 'dangerous-objects', label: 'layer_dangerous_objects', kinds: ['DANGEROUS_OBJECT_CREATED', 'DANGEROUS_OBJECT_UPDATED', 'HAZARD_ZONE_ADDED'], events: true,
    legend: [['hazard_class', colours.hazardClass, 'dot']], title: (p) => p.name,
    card: ['hazard_class', 'object_kind', 'operator'],
    query: (p) => `{\n  dangerousObject(id: "${p.id}") {\n    id name hazardClass objectKind operator substances contacts\n    hazardZones { kind name }\n  }\n}`,
    layers: [
      { id: 'dangerous-objects-fill', type: 'fill', filter: ['!=', ['geometry-type'], 'Point'],
        paint: { 'fill-color': match('hazard_class', colours.hazardClass, '#666'), 'fill-opacity': 0.4 } },
      { id: 'dangerous-objects-point', type: 'circle', filter: ['==', ['geometry-type'], 'Point'],
        paint: { 'circle-color': match('hazard_class', colours.hazardClass, '#666'), 'circle-radius': 5, 'circle-stroke-color': '#000', 'circle-stroke-width': 1 } },
    ],
  },
  {
    id: 'stations', label: 'layer_stations', kinds: ['STATION_REGISTERED', 'STATION_UPDATED', 'STATION_LEVEL_CHANGED'], events: true,
    legend: [['level', colours.stationLevel, 'dot']], title: (p) => `${p.name} (${p.code})`,
    card: ['level', 'parameter', 'value', 'observed_at', 'kind', 'operator'],
    query: (p) => `{\n  station(code: "${p.code}") {\n    code name kind operator waterBody\n    latest { parameter value unit observedAt level }\n    thresholds { parameter level value label }\n  }\n}`,
    layers: [
      { id: 'stations-point', type: 'circle',
        paint: {
          'circle-color': match('level', colours.stationLevel, '#adb5bd'),
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 4, 3, 10, 6],
          'circle-stroke-color': '#1b3a57', 'circle-stroke-width': 1.5,
        } },
    ],
  },
  {
    id: 'incidents', label: 'layer_incidents', kinds: ['INCIDENT_RECEIVED', 'INCIDENT_CLASSIFIED', 'INCIDENT_STATUS_CHANGED'], closed: 'closedIncidents',
    legend: [['status', colours.incidentStatus, 'dot']], title: (p) => `№${p.number}`,
    card: ['status', 'type', 'scale', 'urgency', 'received_at'],
    query: (p) => `{\n  incident(id: "${p.id}") {\n    number status receivedAt address description type scale urgency\n    deployments { unit { callSign } status }\n  }\n}`,
    layers: [
      { id: 'incidents-point', type: 'circle',
        paint: { 'circle-color': match('status', colours.incidentStatus, '#868e96'), 'circle-radius': 7, 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } },
    ],
  },
  {
    id: 'public-warnings', label: 'layer_public_warnings', kinds: ['PUBLIC_WARNING_ISSUED', 'PUBLIC_WARNING_UPDATED', 'PUBLIC_WARNING_CANCELLED'], events: true,
    legend: [['severity', colours.warningSeverity, 'square']], title: (p) => p.headline || p.event,
    card: ['event', 'severity', 'urgency', 'certainty', 'msg_type', 'expires'],
    query: (p) => `{\n  publicWarning(id: "${p.id}") {\n    id state areaSource zoneId\n    current { identifier msgType sent expires capPath texts { language headline } }\n    pendingDraft { identifier zoneVersion }\n  }\n}`,
    layers: [
      { id: 'public-warnings-fill', type: 'fill', paint: { 'fill-color': match('severity', colours.warningSeverity, '#868e96'), 'fill-opacity': 0.15 } },
      { id: 'public-warnings-line', type: 'line',
        paint: { 'line-color': match('severity', colours.warningSeverity, '#868e96'), 'line-width': 2.5, 'line-dasharray': [2, 1] } },
    ],
  },
  {
    id: 'units', label: 'layer_units', kinds: [], legend: [['profile', colours.profile, 'dot'], ['status', colours.unitStatus, 'dot']],
    title: (p) => p.call_sign, card: ['profile', 'status', 'at', 'stale'],
    query: (p) => `{\n  unit(id: "${p.id}") {\n    callSign profile status statusChangedAt personnel\n    position { point at speedKmh headingDeg stale }\n    service { name }\n  }\n}`,
    layers: [
      { id: 'units-point', type: 'circle',
        paint: {
          'circle-color': match('profile', colours.profile, '#555'),
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 6, 2.5, 11, 5, 15, 8],
          'circle-stroke-color': match('status', colours.unitStatus, '#fff'),
          'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 6, 0.5, 11, 2],
          // Stale units stay on the map, dimmed: where they were last seen still matters.
          'circle-opacity': ['case', ['get', 'stale'], 0.3, 1],
          'circle-stroke-opacity': ['case', ['get', 'stale'], 0.3, 1],
        } },
    ],
  },
];

const state = {
  visible: Object.fromEntries(groups.map((g) => [g.id, true])),
  closed: { zones: false, incidents: false },
  ready: false,
  lastUnits: new Map(),
  received: [],
  selected: null,
};

const baseStyle = { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#eef2f5' } }] };
const map = new maplibregl.Map({
  container: 'map',
  style: config.basemapStyleUrl || baseStyle,
  center: config.center,
  zoom: config.zoom,
  hash: true,
  attributionControl: { compact: true },
  transformRequest: (url) => (token && url.startsWith(origin) ? { url, headers: { Authorization: `Bearer ${token}` } } : { url }),
});
map.addControl(new maplibregl.NavigationControl(), 'bottom-right');
map.addControl(new maplibregl.ScaleControl(), 'bottom-left');
// For tests and for whoever debugs the page in a console.
window.dispatchMap = { map, state, groups };

map.on('load', () => {
  for (const group of groups) {
    map.addSource(group.id, { type: 'vector', url: `${origin}/tiles/${group.id}.json`, promoteId: 'id' });
    for (const layer of group.layers) {
      map.addLayer({ ...layer, source: group.id, 'source-layer': group.id });
      map.on('click', layer.id, (e) => showCard(group, e.features[0]));
      map.on('mouseenter', layer.id, () => { map.getCanvas().style.cursor = 'pointer'; });
      map.on('mouseleave', layer.id, () => { map.getCanvas().style.cursor = ''; });
    }
  }
  map.addSource('flash', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({ id: 'flash', type: 'circle', source: 'flash',
    paint: { 'circle-color': 'rgba(0,0,0,0)', 'circle-radius': 18, 'circle-stroke-color': '#ff0054', 'circle-stroke-width': 3 } });
  applyFilters();
  state.ready = true;
  connect();
});
map.on('moveend', () => subscribeUnits());

function applyFilters() {
  for (const group of groups) {
    for (const layer of group.layers) {
      map.setLayoutProperty(layer.id, 'visibility', state.visible[group.id] ? 'visible' : 'none');
      if (group.closed) {
        const closed = ['==', ['get', 'status'], 'CLOSED'];
        map.setFilter(layer.id, state.closed[group.id] ? layer.filter ?? null : ['all', ['!', closed], ...(layer.filter ? [layer.filter] : [])]);
      }
    }
  }
}

// Tiles are revalidated, not re-downloaded: same URLs, the browser sends If-None-Match and unchanged tiles come back 304.
function refresh(sourceId, tiles) {
  if (map.getSource(sourceId)) {
    map.refreshTiles(sourceId, tiles);
  }
}

// ---- live updates over graphql-ws ----
let client = null;
let unitSubscription = null;

function setLive(stateName) {
  const live = document.getElementById('live');
  live.dataset.state = stateName;
  live.textContent = t(stateName === 'live' ? 'live' : stateName === 'offline' ? 'offline' : 'connecting');
}

function connect() {
  client?.dispose();
  unitSubscription = null;
  setLive('connecting');
  client = graphqlWs.createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    // The token goes in connection_init, as the service reads it; a new token means a new socket.
    connectionParams: () => (token ? { authorization: `Bearer ${token}` } : {}),
    // Network trouble is retried for ever; a refused or expired token (4403) or a protocol error is not.
    retryAttempts: Infinity,
    shouldRetry: (e) => !(e && typeof e.code === 'number' && e.code >= 4400 && e.code < 4500),
    on: {
      connected: () => setLive('live'),
      connecting: () => setLive('connecting'),
      closed: (e) => { setLive('offline'); if (e?.code === 4403) toast(t('tokenHint')); },
    },
  });
  subscribe('subscription { zoneChanges { id kind entityId geometry } }', (e) => { remember(e.zoneChanges); refresh('zones'); });
  subscribe('subscription { alerts { id kind entityType entityId payload geometry occurredAt } }', (e) => onAlert(e.alerts));
  for (const group of groups.filter((g) => g.events)) {
    subscribe(`subscription { events(kinds: ${JSON.stringify(group.kinds)}) { id kind } }`, () => refresh(group.id));
  }
  subscribeUnits();
}

function subscribe(query, onNext) {
  return client.subscribe({ query }, {
    next: (message) => message.data && onNext(message.data),
    error: (error) => console.warn('subscription failed', query, error),
    complete: () => {},
  });
}

function remember(event) {
  state.received.push(event);
  if (state.received.length > 200) state.received.shift();
}

function onAlert(alert) {
  remember(alert);
  for (const group of groups) {
    if (group.kinds.includes(alert.kind) && group.id !== 'zones' && !group.events) refresh(group.id);
  }
  if (alert.kind === 'UNIT_ENTERED_ZONE' || alert.kind === 'UNIT_EXITED_ZONE') {
    flash(alert.geometry);
    toast(`${alert.payload.callSign}: ${t(alert.kind)}`);
  } else if (strings.en[alert.kind]) {
    toast(`${t(alert.kind)}${alert.payload?.name ? `: ${alert.payload.name}` : ''}`);
  }
}

// Live positions for the view: the service sends, at most once a second, the units in the box that changed.
function subscribeUnits() {
  if (!client || !state.ready) return;
  unitSubscription?.();
  unitSubscription = null;
  if (!state.visible.units || map.getZoom() < 6) return;
  const b = map.getBounds();
  const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v, i) => Math.max(Math.min(v, i % 2 ? 85 : 180), i % 2 ? -85 : -180));
  unitSubscription = subscribe(
    `subscription { unitPositions(bbox: ${JSON.stringify(bbox)}) { asOf units { id callSign profile status stale position { point at } location } } }`,
    (data) => onUnits(data.unitPositions),
  );
}

function onUnits(update) {
  state.lastUnitUpdate = update;
  const source = map.getSource('units');
  if (!source) return;
  const z = Math.max(source.minzoom ?? 0, Math.min(Math.floor(map.getZoom()), source.maxzoom ?? 16));
  const tiles = new Map();
  const add = (lon, lat) => {
    const n = 2 ** z;
    const x = Math.floor(((lon + 180) / 360) * n);
    const r = (lat * Math.PI) / 180;
    const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
    tiles.set(`${z}/${x}/${y}`, { z, x, y });
  };
  for (const unit of update.units) {
    // Both the tile it left and the tile it entered change.
    const before = state.lastUnits.get(unit.id) ?? map.querySourceFeatures('units', { sourceLayer: 'units', filter: ['==', ['get', 'id'], unit.id] })[0]?.geometry?.coordinates;
    if (before) add(before[0], before[1]);
    const now = unit.location.coordinates;
    add(now[0], now[1]);
    state.lastUnits.set(unit.id, now);
    if (state.selected?.group === 'units' && state.selected.id === unit.id) {
      showCard(groups.find((g) => g.id === 'units'), { properties: { id: unit.id, call_sign: unit.callSign, profile: unit.profile, status: unit.status, stale: unit.stale, at: unit.position?.at } });
    }
  }
  refresh('units', tiles.size > 64 ? undefined : [...tiles.values()]);
}

function flash(geometry) {
  if (!geometry) return;
  const source = map.getSource('flash');
  source.setData({ type: 'Feature', geometry, properties: {} });
  const started = performance.now();
  const step = (now) => {
    const k = (now - started) / 3000;
    if (k >= 1) { source.setData({ type: 'FeatureCollection', features: [] }); return; }
    map.setPaintProperty('flash', 'circle-radius', 10 + 20 * ((k * 3) % 1));
    requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
}

function toast(text) {
  const box = document.createElement('div');
  box.className = 'toast';
  box.textContent = text;
  document.getElementById('toasts').append(box);
  setTimeout(() => box.remove(), 6000);
}

// ---- card ----
function showCard(group, feature) {
  const p = feature.properties;
  state.selected = { group: group.id, id: p.id, feature };
  const card = document.getElementById('card');
  const value = (key) => (p[key] === undefined || p[key] === null ? '—' : typeof p[key] === 'boolean' ? (p[key] ? '✓' : '—') : t(String(p[key])));
  const rows = group.card.map((key) => `<dt>${escape(t(key))}</dt><dd>${escape(value(key))}</dd>`).join('');
  const link = `/graphiql?query=${encodeURIComponent(group.query(p))}`;
  card.innerHTML = `<button class="close" type="button" aria-label="${escape(t('close'))}">×</button>
    <h3>${escape(group.title(p) ?? '')}</h3><dl>${rows}</dl>
    <a href="${link}" target="_blank" rel="noopener">${escape(t('openInGraphiQL'))}</a>`;
  card.dataset.group = group.id;
  card.hidden = false;
  card.querySelector('.close').onclick = () => { card.hidden = true; state.selected = null; };
}

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

// ---- layer list, legend, language ----
function renderPanel() {
  const list = document.getElementById('layers');
  list.innerHTML = '';
  for (const group of groups) {
    const item = document.createElement('li');
    item.innerHTML = `<label><input type="checkbox" data-layer="${group.id}" ${state.visible[group.id] ? 'checked' : ''}> ${escape(t(group.label))}</label>`;
    item.querySelector('input').onchange = (e) => { state.visible[group.id] = e.target.checked; applyFilters(); subscribeUnits(); };
    list.append(item);
    if (group.closed) {
      const sub = document.createElement('li');
      sub.className = 'sub';
      sub.innerHTML = `<label><input type="checkbox" data-closed="${group.id}" ${state.closed[group.id] ? 'checked' : ''}> ${escape(t(group.closed))}</label>`;
      sub.querySelector('input').onchange = (e) => { state.closed[group.id] = e.target.checked; applyFilters(); };
      list.append(sub);
    }
  }
  const legend = document.getElementById('legend');
  legend.innerHTML = groups.map((group) => `<h3>${escape(t(group.label))}</h3>` + group.legend.map(([, table, shape]) =>
    Object.entries(table).map(([key, colour]) => `<div><span class="swatch ${shape}" style="background:${colour}"></span>${escape(t(key))}</div>`).join('')).join('')).join('');
}

function renderTexts() {
  document.documentElement.lang = language;
  document.title = t('title');
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  document.getElementById('token-button').title = token ? t('signedInAs') : t('anonymous');
  const nav = document.getElementById('languages');
  nav.innerHTML = languages.map((l) => `<button type="button" data-language="${l}" aria-pressed="${l === language}">${l.toUpperCase()}</button>`).join('');
  for (const button of nav.querySelectorAll('button')) {
    button.onclick = () => { language = button.dataset.language; localStorage.setItem(LANGUAGE_KEY, language); renderAll(); };
  }
  setLive(document.getElementById('live').dataset.state);
}

function renderAll() {
  renderTexts();
  renderPanel();
  if (state.selected) showCard(groups.find((g) => g.id === state.selected.group), state.selected.feature);
}

// ---- search (GraphQL) ----
async function graphql(query, variables) {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/graphql-response+json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

let searchTimer = 0;
const searchInput = document.getElementById('search');
const results = document.getElementById('search-results');
searchInput.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(runSearch, 250);
});
searchInput.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') { e.preventDefault(); clearTimeout(searchTimer); runSearch(true); }
});

async function runSearch(pickFirst = false) {
  const text = searchInput.value.trim();
  if (text.length < 2) { results.hidden = true; return; }
  const answer = await graphql('query($text: String!) { search(text: $text, first: 10) { kind id label detail bbox point } }', { text });
  const hits = answer.data?.search ?? [];
  results.innerHTML = hits.length ? '' : `<li>${escape(t('noResults'))}</li>`;
  for (const hit of hits) {
    const li = document.createElement('li');
    li.innerHTML = `${escape(hit.label)}<small>${escape(hit.detail ?? '')}</small>`;
    li.onclick = () => go(hit);
    results.append(li);
  }
  results.hidden = false;
  if (pickFirst && hits[0]) go(hits[0]);
}

function go(hit) {
  results.hidden = true;
  const [w, s, e, n] = hit.bbox;
  if (e - w < 1e-6 && n - s < 1e-6) map.flyTo({ center: hit.point.coordinates, zoom: 15 });
  else map.fitBounds([[w, s], [e, n]], { padding: 40, maxZoom: 15 });
}

// ---- token ----
const dialog = document.getElementById('token-dialog');
document.getElementById('token-button').onclick = () => { document.getElementById('token-input').value = token; dialog.showModal(); };
document.getElementById('token-clear').onclick = () => { document.getElementById('token-input').value = ''; };
dialog.addEventListener('close', () => {
  if (dialog.returnValue === 'save') setToken(document.getElementById('token-input').value.trim());
});

function setToken(value) {
  token = value;
  if (token) sessionStorage.setItem(TOKEN_KEY, token); else sessionStorage.removeItem(TOKEN_KEY);
  renderTexts();
  // Another token may see other territories: every tile is asked again and the socket reopens with it.
  for (const group of groups) refresh(group.id);
  connect();
}

// Sign-in at the OpenID Connect authority (authorization code with PKCE) when the service names one and a client.
if (config.oidc) {
  const button = document.getElementById('oidc-button');
  button.hidden = false;
  button.onclick = () => startOidc(config.oidc);
  await finishOidc(config.oidc);
}

async function startOidc({ authority, clientId, scope }) {
  const discovery = await (await fetch(`${authority.replace(/\/$/, '')}/.well-known/openid-configuration`)).json();
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const stateValue = base64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem('dispatch.map.oidc', JSON.stringify({ verifier, state: stateValue, tokenEndpoint: discovery.token_endpoint }));
  const redirect = `${origin}/map`;
  location.href = `${discovery.authorization_endpoint}?${new URLSearchParams({
    response_type: 'code', client_id: clientId, redirect_uri: redirect, scope: scope || 'openid', state: stateValue,
    code_challenge: challenge, code_challenge_method: 'S256',
  })}`;
}

async function finishOidc({ clientId }) {
  const params = new URLSearchParams(location.search);
  const pending = JSON.parse(sessionStorage.getItem('dispatch.map.oidc') || 'null');
  if (!params.get('code') || !pending || params.get('state') !== pending.state) return;
  sessionStorage.removeItem('dispatch.map.oidc');
  const response = await fetch(pending.tokenEndpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: params.get('code'), redirect_uri: `${origin}/map`, client_id: clientId, code_verifier: pending.verifier }),
  });
  const answer = await response.json();
  history.replaceState(null, '', `/map${location.hash}`);
  if (answer.access_token) setToken(answer.access_token);
}

function base64url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

renderAll();
