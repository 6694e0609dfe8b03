// A small client for the Vert.x SockJS event-bus bridge (the frame protocol: register, unregister, ping; the server
// answers with rec and err frames). The official @vertx/eventbus-bridge-client.js has no WebJar on Maven Central, and
// the dashboard needs what it does not give anyway: the close code (4401 token expired, 4403 refused, 4408 too slow)
// and a fresh URL (a new access token) on every reconnect. SockJS itself comes from its WebJar (global SockJS).

const PING_MS = 10_000; // the bridge closes sockets that stay silent for 30 s

export class Bus {
  /**
   * @param url      bridge URL, e.g. "/eventbus" or "/eventbus/trading?access_token=..."
   * @param handlers {onOpen(), onClose(code, reason), onError(frame)}
   */
  constructor(url, handlers = {}) {
    this.handlers = handlers;
    this.addresses = new Map();
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
      this.handlers.onClose?.(e.code, e.reason);
    };
  }

  /** Registers a handler; sent now if open, else on open. One handler per address. */
  register(address, fn) {
    const known = this.addresses.has(address);
    this.addresses.set(address, fn);
    if (this.open && !known) this.#send({ type: 'register', address });
  }

  unregister(address) {
    if (this.addresses.delete(address) && this.open) this.#send({ type: 'unregister', address });
  }

  close() {
    this.handlers = {};
    clearInterval(this.pinger);
    this.sock.close();
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
    if (frame.type === 'rec') {
      this.addresses.get(frame.address)?.(frame.body, frame);
    } else if (frame.type === 'err') {
      this.handlers.onError?.(frame);
    }
  }
}
