// The dashboard: login, live tickers and a candle chart from the public bridge, the tenant's trading from the
// authenticated bridge (with the resume protocol of trading.js), order entry and cancel, and for admins the kill
// switch and reconciliation runs. No framework: a few render functions over plain DOM (textContent only, so nothing
// from the server is ever parsed as HTML).

import { ApiError, Session } from './api.js';
import { Bus } from './bus.js';
import { CandleChart } from './chart.js';
import { AccountState, isOpenOrder } from './trading.js';

const $ = (id) => document.getElementById(id);
const session = new Session();
const STREAMS = ['orders', 'fills', 'positions', 'pnl', 'alerts'];
const MAX_TICK_ADDRESSES = 18; // the bridge allows 20 registrations per socket; one is the chart's candles

let me = null;
let instruments = [];
let publicBus = null;
let tradingBus = null;
let adminBus = null;
let chart = null;
let chartSymbol = null;
const accounts = new Map(); // id -> AccountState
let reconnectDelay = 1000;

// ---------- small DOM helpers ----------

function cell(text, cls) {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  if (cls) td.className = cls;
  return td;
}

function fillTable(id, rows, keyOf) {
  const body = $(id).tBodies[0];
  body.replaceChildren(...rows.map((cells) => {
    const tr = document.createElement('tr');
    tr.append(...cells);
    return tr;
  }));
  if (keyOf) [...body.rows].forEach((tr, i) => { tr.dataset.key = keyOf(i); });
}

function time(iso) {
  return iso ? new Date(iso).toLocaleTimeString() : '';
}

function setConn(id, label, state) {
  $(id).textContent = `${label}: ${state}`;
  $(id).dataset.state = state;
}

function banner(message) {
  $('banner').textContent = message ?? '';
  $('banner').hidden = !message;
}

// ---------- login ----------

$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  $('login-error').textContent = '';
  $('login-submit').disabled = true;
  try {
    await session.login($('login-email').value, $('login-password').value);
    $('login-password').value = '';
    await start();
  } catch (err) {
    $('login-error').textContent = err instanceof ApiError && err.status === 401
      ? 'Wrong email or password.' : `Login failed: ${err.message}`;
  } finally {
    $('login-submit').disabled = false;
  }
});

$('logout').addEventListener('click', () => session.logout());

session.on('logout', (reason) => {
  stop();
  $('login-error').textContent = reason ?? '';
});

// A new access token (scheduled refresh): move the open authenticated bridges onto it over the socket itself
// (bridge.auth), so registrations and the trading stream carry on; if that is refused or the socket is not open,
// reconnect with the new token before the old one expires, as before.
session.on('token', (token) => {
  if (tradingBus) reauthenticate(tradingBus, token, () => tradingBus, connectTrading);
  if (adminBus) reauthenticate(adminBus, token, () => adminBus, connectAdmin);
});

function reauthenticate(bus, token, current, reconnect) {
  if (!bus.open) {
    reconnect();
    return;
  }
  bus.reauthenticate(token).catch(() => {
    if (current() === bus && session.loggedIn) reconnect();
  });
}

function stop() {
  [publicBus, tradingBus, adminBus].forEach((b) => b?.close());
  publicBus = tradingBus = adminBus = null;
  accounts.clear();
  me = null;
  $('app-view').hidden = true;
  $('admin').hidden = true;
  $('login-view').hidden = false;
  $('logout').hidden = true;
  $('who').textContent = '';
  setConn('conn-public', 'market', 'offline');
  setConn('conn-trading', 'trading', 'offline');
}

async function start() {
  me = await session.api('GET', '/api/v1/me');
  $('who').textContent = `${me.email} (${me.roles.join(', ')})`;
  $('login-view').hidden = true;
  $('app-view').hidden = false;
  $('logout').hidden = false;
  instruments = await loadInstruments();
  renderInstrumentPickers();
  if (!chart) chart = new CandleChart($('chart'));
  connectPublic();
  // Open the chart on an instrument that trades around the clock, so it has candles whatever the time.
  const always = instruments.find((i) => i.session?.type === '24/7') ?? instruments[0];
  selectChartSymbol(always?.symbol).catch(showError);
  loadAccounts().catch(showError);
  // The kill switch, reconciliation runs and the admin bridge are operators' (admins of the bootstrap tenant).
  if (me.operator) {
    $('admin').hidden = false;
    loadControl();
    loadReconciliation();
    connectAdmin();
  }
}

// ---------- market data ----------

async function loadInstruments() {
  const all = [];
  let cursor = null;
  do {
    const page = await session.api('GET', `/api/v1/market/instruments?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

function renderInstrumentPickers() {
  const options = () => instruments.map((i) => new Option(i.symbol, i.symbol));
  $('chart-symbol').replaceChildren(...options());
  $('order-symbol').replaceChildren(...options());
  fillTable('tickers', instruments.map((i) => [cell(i.symbol), cell('–', 'num last'), cell('', 'num bid'),
    cell('', 'num ask'), cell('', 'time')]), (n) => instruments[n].symbol);
}

function onTick(t) {
  const tr = $('tickers').querySelector(`tr[data-key="${CSS.escape(t.symbol)}"]`);
  if (tr) {
    const last = tr.querySelector('.last');
    const previous = parseFloat(last.textContent);
    last.textContent = t.price;
    last.dataset.dir = previous > +t.price ? 'down' : previous < +t.price ? 'up' : last.dataset.dir ?? '';
    tr.querySelector('.bid').textContent = t.bid ?? '';
    tr.querySelector('.ask').textContent = t.ask ?? '';
    tr.querySelector('.time').textContent = time(t.timestamp);
  }
  if (t.symbol === chartSymbol) chart.tick(Date.parse(t.timestamp), +t.price);
}

function connectPublic() {
  publicBus?.close();
  const bus = new Bus('/eventbus', {
    onOpen: () => {
      reconnectDelay = 1000;
      setConn('conn-public', 'market', 'live');
    },
    onClose: () => {
      if (publicBus !== bus) return;
      setConn('conn-public', 'market', 'reconnecting');
      setTimeout(() => { if (publicBus === bus) connectPublic(); }, reconnectDelay);
      reconnectDelay = Math.min(reconnectDelay * 2, 30_000);
    },
  });
  publicBus = bus;
  instruments.slice(0, MAX_TICK_ADDRESSES).forEach((i) => bus.register(`md.tick.${i.symbol}`, onTick));
  if (chartSymbol) bus.register(`md.candle.1m.${chartSymbol}`, (c) => chart.candle(c));
}

async function selectChartSymbol(symbol) {
  if (!symbol) return;
  if (chartSymbol && publicBus) publicBus.unregister(`md.candle.1m.${chartSymbol}`);
  chartSymbol = symbol;
  $('chart-symbol').value = symbol;
  const page = await session.api('GET', `/api/v1/market/candles/${encodeURIComponent(symbol)}?interval=1m&limit=240`);
  if (chartSymbol !== symbol) return;
  chart.load(page.items);
  publicBus?.register(`md.candle.1m.${symbol}`, (c) => chart.candle(c));
}

$('chart-symbol').addEventListener('change', (e) => selectChartSymbol(e.target.value).catch(showError));

// ---------- trading ----------

async function loadAccounts() {
  let list;
  try {
    list = (await session.api('GET', '/api/v1/accounts')).items;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) {
      $('trading-status').textContent = e.status === 404 ? 'Trading is not available on this server yet.'
        : 'Your role cannot see trading accounts.';
      $('order-form').hidden = true;
      $('account').hidden = true;
      setConn('conn-trading', 'trading', 'unavailable');
      return;
    }
    throw e;
  }
  $('order-form').hidden = false;
  $('account').hidden = false;
  $('account').replaceChildren(...list.map((a) => new Option(`${a.id.slice(0, 8)} ${a.currency}`, a.id)));
  for (const a of list) {
    const state = new AccountState(a.id, () => snapshot(a.id),
      (s) => { if (s.id === $('account').value) renderAccount(s); },
      (alert) => showAlert(alert));
    state.account = a;
    accounts.set(a.id, state);
  }
  $('trading-status').textContent = list.length ? '' : 'No trading account.';
  connectTrading();
}

/**
 * The account snapshot; it carries no fills, so recent ones come from GET /fills (fills are keyed by executionId,
 * so one that also arrives as an event is not shown twice).
 */
async function snapshot(accountId) {
  const snap = await session.api('GET', `/api/v1/accounts/${encodeURIComponent(accountId)}/snapshot`);
  if (!snap.fills) {
    const fills = await session.api('GET', '/api/v1/fills').catch(() => ({ items: [] }));
    snap.fills = (fills.items ?? []).filter((f) => f.accountId === accountId)
        .sort((x, y) => (y.createdAt ?? '').localeCompare(x.createdAt ?? ''));
  }
  return snap;
}

$('account').addEventListener('change', () => {
  const s = accounts.get($('account').value);
  if (s) renderAccount(s);
});

function connectTrading() {
  if (!me || !session.loggedIn) return;
  const old = tradingBus;
  const bus = new Bus(`/eventbus/trading?access_token=${encodeURIComponent(session.accessToken)}`, {
    onOpen: () => {
      setConn('conn-trading', 'trading', 'live');
      // Registered before the snapshot (Bus sends registrations first on open): events are buffered meanwhile.
      for (const s of accounts.values()) s.resync().catch(showError);
      old?.close();
    },
    onClose: (code) => {
      if (tradingBus !== bus) return;
      setConn('conn-trading', 'trading', code === 4408 ? 'resyncing' : 'reconnecting');
      const retry = async () => {
        if (tradingBus !== bus || !session.loggedIn) return;
        if (code === 4401 || code === 4403) await session.refresh().catch(() => {});
        if (tradingBus === bus && session.loggedIn) connectTrading();
      };
      setTimeout(retry, code === 4408 ? 0 : 1000);
    },
  });
  tradingBus = bus;
  for (const stream of STREAMS) {
    bus.register(`trading.${me.tenantId}.${stream}`, (body) => {
      const s = accounts.get(body.accountId);
      if (s) s.event(stream, body);
      else if (stream === 'alerts') showAlert(body);
    });
  }
}

function renderAccount(s) {
  const a = s.account ?? {};
  $('pnl-available').textContent = a.available ?? '–';
  $('pnl-reserved').textContent = a.reserved ?? '–';
  $('pnl-equity').textContent = s.pnl?.equity ?? a.equity ?? '–';
  $('pnl-realized').textContent = s.pnl?.realizedPnl ?? '–';
  $('pnl-unrealized').textContent = s.pnl?.unrealizedPnl ?? '–';
  const orders = [...s.orders.values()].sort((x, y) => (y.createdAt ?? '').localeCompare(x.createdAt ?? ''));
  fillTable('orders', orders.map((o) => {
    const action = document.createElement('td');
    if (isOpenOrder(o)) {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = 'Cancel';
      b.className = 'cancel';
      b.addEventListener('click', () => cancelOrder(o.id, b));
      action.append(b);
    }
    return [cell(time(o.createdAt)), cell(o.symbol), cell(o.side), cell(o.type), cell(o.quantity, 'num'),
      cell(o.price ?? 'market', 'num'), cell(o.filledQuantity, 'num'), cell(o.averagePrice, 'num'),
      cell(o.status, 'status'), action];
  }), (i) => orders[i].id);
  const positions = [...s.positions.values()].filter((p) => +p.quantity !== 0 || +p.realizedPnl !== 0);
  fillTable('positions', positions.map((p) => [cell(p.symbol), cell(p.quantity, 'num'), cell(p.averagePrice, 'num'),
    cell(p.realizedPnl, 'num'), cell(p.unrealizedPnl, 'num')]), (i) => positions[i].symbol);
  fillTable('fills', s.fills.map((f) => [cell(time(f.createdAt)), cell(f.symbol), cell(f.side), cell(f.quantity, 'num'),
    cell(f.price, 'num'), cell(f.fee, 'num')]), (i) => s.fills[i].executionId);
}

function showAlert(alert) {
  const li = document.createElement('li');
  li.textContent = `${time(alert.createdAt ?? new Date().toISOString())} ${alert.message ?? alert.kind ?? JSON.stringify(alert)}`;
  $('alerts').prepend(li);
  while ($('alerts').children.length > 20) $('alerts').lastChild.remove();
}

// Order entry. One Idempotency-Key per intended order: kept until the server gave a definite answer, so pressing
// the button again after a network failure cannot place the order twice.
let pendingKey = null;
$('order-form').addEventListener('input', (e) => {
  if (e.target.id !== 'order-submit') pendingKey = null;
  const type = $('order-type').value;
  $('order-price').disabled = type === 'MARKET';
  $('order-stop').disabled = type !== 'STOP_LIMIT';
});

$('order-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const type = $('order-type').value;
  const order = {
    accountId: $('account').value,
    symbol: $('order-symbol').value,
    side: $('order-side').value,
    type,
    quantity: $('order-quantity').value.trim(),
    timeInForce: $('order-tif').value,
  };
  if (type !== 'MARKET') order.price = $('order-price').value.trim();
  if (type === 'STOP_LIMIT') order.stopPrice = $('order-stop').value.trim();
  pendingKey ??= uuid();
  $('order-submit').disabled = true;
  $('order-result').textContent = 'Sending…';
  try {
    const placed = await session.api('POST', '/api/v1/orders', order, { 'Idempotency-Key': pendingKey });
    pendingKey = null;
    $('order-result').textContent = `Order ${placed.status ?? 'accepted'}`;
  } catch (err) {
    if (err instanceof ApiError) pendingKey = null;
    $('order-result').textContent = err instanceof ApiError ? `${err.code ?? err.status}: ${err.message}`
      : `Not sent (network): press again to retry safely. ${err.message}`;
  } finally {
    $('order-submit').disabled = false;
  }
});

/** A random UUID; crypto.randomUUID exists only in secure contexts (https, localhost), getRandomValues everywhere. */
function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

async function cancelOrder(id, button) {
  button.disabled = true;
  try {
    await session.api('DELETE', `/api/v1/orders/${encodeURIComponent(id)}`);
  } catch (err) {
    button.disabled = false;
    $('order-result').textContent = `Cancel failed: ${err.code ?? ''} ${err.message}`;
  }
}

// ---------- admin ----------

async function loadControl() {
  try {
    const c = await session.api('GET', '/api/v1/trading/control');
    $('control-buttons').hidden = false;
    $('control-state').textContent = c.state;
    $('control-global').textContent = c.globalTradingEnabled === false ? '(global trading disabled)' : '';
  } catch (e) {
    $('control-state').textContent = e.status === 404 ? 'not available' : `error: ${e.message}`;
    $('control-buttons').hidden = e.status === 404;
  }
}

document.querySelectorAll('button.control').forEach((b) => b.addEventListener('click', async () => {
  try {
    const c = await session.api('PUT', '/api/v1/trading/control', { state: b.dataset.state });
    $('control-state').textContent = c.state;
  } catch (e) {
    banner(`Kill switch: ${e.code ?? e.status ?? ''} ${e.message}`);
  }
}));

async function loadReconciliation() {
  try {
    const runs = (await session.api('GET', '/api/v1/admin/reconciliation/runs')).items ?? [];
    $('recon-status').textContent = runs.length ? '' : 'No runs yet.';
    fillTable('recon', runs.map((r) => [cell(time(r.startedAt ?? r.createdAt)), cell(r.status),
      cell(r.summary ?? (r.mismatches !== undefined ? `${r.mismatches} mismatches` : ''))]));
  } catch (e) {
    $('recon-status').textContent = e.status === 404 ? 'Reconciliation is not available on this server yet.'
      : `error: ${e.message}`;
  }
}

function connectAdmin() {
  if (!me || !session.loggedIn) return;
  const old = adminBus;
  const bus = new Bus(`/eventbus/admin?access_token=${encodeURIComponent(session.accessToken)}`, {
    onOpen: () => old?.close(),
    onClose: () => {
      if (adminBus !== bus) return;
      setTimeout(() => { if (adminBus === bus && session.loggedIn) connectAdmin(); }, 2000);
    },
  });
  adminBus = bus;
  bus.register('admin.control', () => loadControl());
  bus.register('admin.reconciliation', () => loadReconciliation());
  bus.register('admin.alerts', (a) => showAlert(a));
}

// ---------- boot ----------

function showError(e) {
  banner(e?.message ?? String(e));
}

if (session.loggedIn) {
  session.resume().then(start).catch(() => session.logout('Please log in again.'));
}
