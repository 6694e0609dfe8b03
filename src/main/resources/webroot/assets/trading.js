// One account's live trading state, kept right across reconnects with the resume protocol:
//   1. register the trading addresses (done by the caller), buffering every event for this account;
//   2. fetch GET /api/v1/accounts/{id}/snapshot -> {sequence, account, orders, positions};
//   3. apply the buffered and later events whose sequence is above the snapshot's, in order.
// Every event carries the account's gap-free sequence: an old one is a duplicate and skipped; a jump means something
// was missed (for instance an event published between the register and the snapshot), so a new snapshot is taken.

const TERMINAL = new Set(['FILLED', 'CANCELED', 'CANCELLED', 'REJECTED', 'EXPIRED']);
const MAX_FILLS = 100;

export const isOpenOrder = (o) => !TERMINAL.has(o.status);

export class AccountState {
  /**
   * @param id        account id
   * @param snapshot  () => Promise<snapshot JSON>
   * @param onChange  (state) => void, after every applied change
   * @param onAlert   (alert JSON) => void
   */
  constructor(id, snapshot, onChange, onAlert) {
    this.id = id;
    this.fetchSnapshot = snapshot;
    this.onChange = onChange;
    this.onAlert = onAlert;
    this.sequence = null;
    this.syncing = false;
    this.buffer = [];
    this.account = null;
    this.orders = new Map();
    this.positions = new Map();
    this.fills = [];
    this.pnl = null;
    this.resyncs = 0;
  }

  /** An event from trading.<tenant>.<stream> for this account. */
  event(stream, body) {
    if (this.syncing) this.buffer.push({ stream, body });
    else this.#apply(stream, body);
  }

  /** Steps 2 and 3; safe to call again while running (the newest call wins). */
  async resync() {
    const round = ++this.resyncs;
    this.syncing = true;
    this.buffer = [];
    let snap;
    try {
      snap = await this.fetchSnapshot();
    } catch (e) {
      if (round === this.resyncs) this.syncing = false;
      throw e;
    }
    if (round !== this.resyncs) return; // a newer resync started meanwhile
    this.sequence = snap.sequence;
    this.account = snap.account ?? this.account;
    this.orders = new Map((snap.orders ?? []).map((o) => [o.id, o]));
    this.positions = new Map((snap.positions ?? []).map((p) => [p.symbol, p]));
    if (snap.fills) this.fills = snap.fills.slice(0, MAX_FILLS);
    this.syncing = false;
    const buffered = this.buffer.sort((a, b) => a.body.sequence - b.body.sequence);
    this.buffer = [];
    this.onChange(this);
    for (const { stream, body } of buffered) {
      if (this.syncing) this.buffer.push({ stream, body });
      else this.#apply(stream, body);
    }
  }

  #apply(stream, body) {
    const seq = body.sequence;
    if (typeof seq === 'number') {
      if (this.sequence !== null && seq <= this.sequence) return; // already in the snapshot, or a duplicate
      if (this.sequence === null || seq > this.sequence + 1) {
        this.resync().catch(() => {});
        this.buffer.push({ stream, body });
        return;
      }
      this.sequence = seq;
    }
    switch (stream) {
      case 'orders':
        this.orders.set(body.id, body);
        break;
      case 'fills':
        if (!this.fills.some((f) => f.executionId === body.executionId)) {
          this.fills.unshift(body);
          this.fills.length = Math.min(this.fills.length, MAX_FILLS);
        }
        break;
      case 'positions':
        this.positions.set(body.symbol, body);
        break;
      case 'pnl':
        this.pnl = body;
        if (this.account && body.equity !== undefined) this.account = { ...this.account, equity: body.equity };
        break;
      case 'alerts':
        this.onAlert(body);
        break;
      default:
        return;
    }
    this.onChange(this);
  }
}
