// The live dashboard (SPEC 10): every figure comes from this node's own API, fetched again
// once a second. Each shown figure keeps its raw value in data-value, for tests and tools.
'use strict';

const REFRESH_MS = 1000;
const REQUEST_TIMEOUT_MS = 2000;
const CHART_SECONDS = 300;
const CHART_WIDTH = 600;
const CHART_HEIGHT = 160;
const whole = new Intl.NumberFormat('en');
const decimal = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });
let updates = 0;

function show(id, value, text) {
  const element = document.getElementById(id);
  element.dataset.value = value === null || value === undefined ? '' : String(value);
  element.textContent = text;
}

function eur(cents) {
  return whole.format(Math.floor(cents / 100)) + '.' + String(cents % 100).padStart(2, '0') + ' EUR';
}

async function get(path) {
  const response = await fetch(path, { cache: 'no-store', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  if (!response.ok) {
    throw new Error(path + ': HTTP ' + response.status);
  }
  return response.json();
}

function showTop(kind, top, format) {
  show('top-' + kind + '-player', top && top.id, top ? 'Player #' + top.id : 'none yet');
  show('top-' + kind, top && top.count, top ? format(top.count) : '–');
}

function showView(view) {
  show('events-total', view.events_total, whole.format(view.events_total));
  show('events-per-minute', view.events_per_minute, decimal.format(view.events_per_minute));
  show('events-per-second', view.events_per_second_moving_average, decimal.format(view.events_per_second_moving_average));
  showTop('bets', view.top_player_bets, count => whole.format(count) + ' bets');
  showTop('wins', view.top_player_wins, count => whole.format(count) + ' wins');
  showTop('deposits', view.top_player_deposits, eur);
}

/** A line of events per second, oldest on the left, scaled to the peak of the period. */
function showChart(windows) {
  const values = windows.map(w => w.events);
  const highest = Math.max(0, ...values);
  const peak = Math.max(1, highest);
  const step = CHART_WIDTH / Math.max(1, values.length - 1);
  const points = values
    .map((v, i) => (i * step).toFixed(1) + ',' + (CHART_HEIGHT - (v / peak) * (CHART_HEIGHT - 4)).toFixed(1))
    .join(' ');
  document.getElementById('chart-line').setAttribute('points', points);
  document.getElementById('chart-area').setAttribute('points', `0,${CHART_HEIGHT} ${points} ${CHART_WIDTH},${CHART_HEIGHT}`);
  const chart = document.getElementById('chart');
  chart.dataset.points = String(values.length);
  chart.dataset.events = String(values.reduce((a, b) => a + b, 0));
  show('chart-peak', highest, '(peak ' + whole.format(highest) + ' a second)');
}

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
}

function showMembers(members) {
  const rows = members.map(m => {
    const tr = document.createElement('tr');
    const marks = [m.self ? 'this node' : '', m.leader ? 'leader' : ''].filter(Boolean).join(', ');
    tr.append(cell(m.address + (marks ? ' (' + marks + ')' : '')), cell(m.status), cell(m.reachable ? 'yes' : 'no'),
      cell(m.roles.join(', ')));
    tr.dataset.address = m.address;
    tr.dataset.status = m.status;
    if (!m.reachable || m.status !== 'Up') {
      tr.className = 'down';
    }
    return tr;
  });
  document.getElementById('members').replaceChildren(...rows);
  show('member-count', members.length, '(' + members.length + (members.length === 1 ? ' member)' : ' members)'));
}

async function refresh() {
  const results = await Promise.allSettled([
    get('materialized'),
    get('materialized/windows?size=1s&last=' + CHART_SECONDS),
    get('dead-letters'),
    get('cluster'),
  ]);
  const [view, windows, deadLetters, cluster] = results.map(r => (r.status === 'fulfilled' ? r.value : null));
  if (view) showView(view);
  if (windows) showChart(windows);
  if (deadLetters) {
    const n = deadLetters.dead_letters;
    show('dead-letters', n, n === null ? 'unknown' : whole.format(n));
  }
  if (cluster) showMembers(cluster.members);
  const failed = results.find(r => r.status === 'rejected');
  const status = document.getElementById('status');
  const at = new Date().toLocaleTimeString('en-GB');
  status.classList.toggle('stale', Boolean(failed));
  if (failed) {
    status.textContent = 'not all figures could be fetched at ' + at + ' (' + failed.reason.message + '); retrying';
  } else {
    const self = cluster.members.find(m => m.self);
    status.textContent = 'updated ' + at + (self ? ' from ' + self.address : '');
    document.body.dataset.updates = String(++updates);
  }
}

async function loop() {
  const started = Date.now();
  try {
    await refresh();
  } finally {
    setTimeout(loop, Math.max(0, REFRESH_MS - (Date.now() - started)));
  }
}

loop();
