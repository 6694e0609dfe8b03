// A small client for the Vert.x SockJS event-bus bridge (the frame protocol: register, unregister, ping, send with a
// reply address; the server answers with rec and err frames). The official @vertx/eventbus-bridge-client.js has no WebJar on Maven Central, and
// the dashboard needs what it does not give anyway: the close code (4401 token expired, 4403 refused, 4408 too slow)
// and a fresh URL (a new access token) on every reconnect. SockJS itself comes from its WebJar (global SockJS).

const PING_MS = 10_000; // the bridge closes sockets that stay silent for 30 s
const REQUEST_TIMEOUT_MS = 10_000; // the bridge's own reply timeout

export class Bus {
  /**
   * @param url      bridge URL, e.g. "/eventbus" or "/eventbus/trading?access_token=..."
   * @param handlers {onOpen(), onClose(code, reason), onError(frame)}
   */
  constructor(url, handlers = {}) {
    this.handlers = handlers;
    this.addresses = new Map();
    this.pending = new Map(); // reply address -> {resolve, reject, timer}
    this.open = false;
    this.sock = new SockJS(url);
    this.sock.onopen = () => {
      this.open = true;
      this.pinger = setInterval(() => this.#send({ type: 'ping' }), PING_MS);
      for (const address of this.addresses.keys()) this.#send({ type: 'register', address });
      this.handlers.onOpen?.();
    };
    this.sock.onmessage = (e) => this.#frame(e.data);
    this.sock.onclose = (e) => {
      this.open = false;
      clearInterval(this.pinger);
      this.#failPending(new Error(`bridge closed (${e.code})`));
      this.handlers.onClose?.(e.code, e.reason);
    };
  }

  /** Registers a handler; sent now if open, else on open. One handler per address. */
  register(address, fn) {
    const known = this.addresses.has(address);
    this.addresses.set(address, fn);
    if (this.open && !known) this.#send({ type: 'register', address });
  }

  /**
   * A send with a reply address: resolves with the reply's body, rejects with the err frame (failureCode, message), or
   * on timeout or close. Only while open (nothing is queued for later).
   */
  request(address, body) {
    if (!this.open) return Promise.reject(new Error('bridge not open'));
    const replyAddress = crypto.randomUUID(); // 36 characters: the bridge refuses longer reply addresses
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(replyAddress);
        reject(new Error('no answer'));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(replyAddress, { resolve, reject, timer });
      this.#send({ type: 'send', address, body, replyAddress });
    });
  }

  /**
   * Moves this open socket onto a fresh access token (bridge.auth), keeping its registrations; rejects if the
   * server refuses it (then reconnect with the token instead).
   */
  reauthenticate(accessToken) {
    return this.request('bridge.auth', { accessToken });
  }

  unregister(address) {
    if (this.addresses.delete(address) && this.open) this.#send({ type: 'unregister', address });
  }

  close() {
    this.handlers = {};
    clearInterval(this.pinger);
    this.#failPending(new Error('closed'));
    this.sock.close();
  }

  #failPending(error) {
    for (const { reject, timer } of this.pending.values()) {
      clearTimeout(timer);
      reject(error);
    }
    this.pending.clear();
  }

  #send(frame) {
    if (this.open) this.sock.send(JSON.stringify(frame));
  }

  #frame(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    const waiting = frame.address !== undefined && this.pending.get(frame.address);
    if (waiting) {
      this.pending.delete(frame.address);
      clearTimeout(waiting.timer);
      if (frame.type === 'rec') waiting.resolve(frame.body);
      else waiting.reject(Object.assign(new Error(frame.message ?? 'refused'), { code: frame.failureCode, frame }));
    } else if (frame.type === 'rec') {
      this.addresses.get(frame.address)?.(frame.body, frame);
    } else if (frame.type === 'err') {
      this.handlers.onError?.(frame);
    }
  }
}
