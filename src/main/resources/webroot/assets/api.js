// The login session and REST calls. Tokens live in memory and sessionStorage (gone when the tab closes, never in
// localStorage or a cookie). The access token is refreshed a minute before it expires; listeners hear about every new
// token so the authenticated bridges can move onto it.

const KEY = 'bourse.session';
const REFRESH_AHEAD_MS = 60_000;

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.code;
  }
}

/** Expiry (epoch seconds) from a JWT's payload; the server verifies the token, the page only schedules by it. */
function expiry(token) {
  try {
    const b64 = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(b64)).exp ?? 0;
  } catch {
    return 0;
  }
}

async function call(method, path, { token, body, headers = {} } = {}) {
  const h = { Accept: 'application/json', ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  if (body !== undefined) h['Content-Type'] = 'application/json';
  const r = await fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  const json = text ? JSON.parse(text) : null;
  if (!r.ok) throw new ApiError(r.status, json);
  return json;
}

export class Session {
  constructor() {
    this.listeners = { token: [], logout: [] };
    try {
      this.tokens = JSON.parse(sessionStorage.getItem(KEY));
    } catch {
      this.tokens = null;
    }
  }

  on(event, fn) { this.listeners[event].push(fn); }

  get accessToken() { return this.tokens?.accessToken; }

  get loggedIn() { return !!this.tokens; }

  async login(email, password) {
    this.#store(await call('POST', '/api/v1/auth/login', { body: { email, password } }));
  }

  /** After a page reload: refresh at once if the stored access token is (nearly) expired, else schedule it. */
  async resume() {
    if (!this.tokens) return;
    if (expiry(this.tokens.accessToken) * 1000 - Date.now() < REFRESH_AHEAD_MS) await this.refresh();
    else this.#schedule();
  }

  /** One refresh at a time: concurrent callers share it (the server rotates the refresh token on every use). */
  refresh() {
    if (!this.refreshing) {
      this.refreshing = call('POST', '/api/v1/auth/refresh', { body: { refreshToken: this.tokens?.refreshToken } })
          .then((t) => this.#store(t))
          .catch((e) => {
            if (e instanceof ApiError && e.status === 401) this.logout('Your session has expired; please log in again.');
            throw e;
          })
          .finally(() => { this.refreshing = null; });
    }
    return this.refreshing;
  }

  async logout(reason) {
    const tokens = this.tokens;
    this.#clear();
    if (tokens && !reason) {
      await call('POST', '/api/v1/auth/logout', { token: tokens.accessToken, body: { refreshToken: tokens.refreshToken } })
          .catch(() => {});
    }
    this.listeners.logout.forEach((fn) => fn(reason));
  }

  /** An authenticated REST call; a 401 triggers one refresh and one retry. */
  async api(method, path, body, headers) {
    try {
      return await call(method, path, { token: this.accessToken, body, headers });
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401 || !this.tokens) throw e;
      await this.refresh();
      return call(method, path, { token: this.accessToken, body, headers });
    }
  }

  #store(t) {
    this.tokens = { accessToken: t.accessToken, refreshToken: t.refreshToken };
    sessionStorage.setItem(KEY, JSON.stringify(this.tokens));
    this.#schedule();
    this.listeners.token.forEach((fn) => fn(this.tokens.accessToken));
  }

  #schedule() {
    clearTimeout(this.timer);
    const due = expiry(this.tokens.accessToken) * 1000 - REFRESH_AHEAD_MS - Date.now();
    this.timer = setTimeout(() => this.refresh().catch(() => {}), Math.max(5_000, due));
  }

  #clear() {
    clearTimeout(this.timer);
    this.tokens = null;
    sessionStorage.removeItem(KEY);
  }
}
