// Candlestick chart on uPlot (global uPlot, from its WebJar). uPlot draws line series; the four OHLC series here only
// set the y range, and a draw hook paints the candles. History comes from REST; live ticks move the open candle and
// closed candles from md.candle.1m.<SYMBOL> replace it with the server's final values.

const UP = '#1a9e55';
const DOWN = '#d2453c';

export class CandleChart {
  constructor(el, intervalSeconds = 60) {
    this.el = el;
    this.interval = intervalSeconds;
    this.data = [[], [], [], [], []]; // time (s), open, high, low, close
    this.pending = false;
    const hidden = { paths: () => null, points: { show: false } };
    this.plot = new uPlot({
      width: Math.max(300, el.clientWidth),
      height: 280,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        // The last 90 candles, whatever the data span (one fresh candle would otherwise stretch over years).
        // (From our own data: uPlot pads the min/max it passes in when there is a single point.)
        x: { time: true, range: () => this.#window() },
      },
      axes: [{}, { size: 80 }],
      series: [{}, { label: 'open', ...hidden }, { label: 'high', ...hidden }, { label: 'low', ...hidden },
        { label: 'close', ...hidden }],
      hooks: { draw: [(u) => this.#drawCandles(u)] },
    }, this.data, el);
    window.addEventListener('resize', () => this.plot.setSize({ width: Math.max(300, el.clientWidth), height: 280 }));
  }

  /** Replaces everything with REST candles ({openTimeMs, open, high, low, close} with decimal strings). */
  load(candles) {
    this.data = [[], [], [], [], []];
    for (const c of candles) this.#put(c.openTimeMs / 1000, +c.open, +c.high, +c.low, +c.close, true);
    this.#redraw();
  }

  /** A closed candle from the bridge: the server's values win. */
  candle(c) {
    this.#put(c.openTimeMs / 1000, +c.open, +c.high, +c.low, +c.close, true);
    this.#redraw();
  }

  /** A tick: extends the open candle, or opens the next one. */
  tick(timeMs, price) {
    const t = Math.floor(timeMs / 1000 / this.interval) * this.interval;
    this.#put(t, price, price, price, price, false);
    this.#redraw();
  }

  #put(t, o, h, l, c, replace) {
    const [ts, os, hs, ls, cs] = this.data;
    let i = ts.length - 1;
    while (i >= 0 && ts[i] > t) i--;
    if (i >= 0 && ts[i] === t) {
      if (replace) {
        os[i] = o; hs[i] = h; ls[i] = l; cs[i] = c;
      } else {
        hs[i] = Math.max(hs[i], h); ls[i] = Math.min(ls[i], l); cs[i] = c;
      }
      return;
    }
    ts.splice(i + 1, 0, t); os.splice(i + 1, 0, o); hs.splice(i + 1, 0, h); ls.splice(i + 1, 0, l); cs.splice(i + 1, 0, c);
    if (ts.length > 500) this.data.forEach((a) => a.shift());
  }

  #window() {
    const ts = this.data[0];
    const last = ts.length ? ts[ts.length - 1] : Math.floor(Date.now() / 1000);
    return [last - 90 * this.interval, last + this.interval];
  }

  /** At most one redraw per animation frame, however fast ticks arrive. */
  #redraw() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.plot.setData(this.data);
    });
  }

  #drawCandles(u) {
    const [ts, os, hs, ls, cs] = u.data;
    const ctx = u.ctx;
    const { left, top, width, height } = u.bbox;
    const step = ts.length > 1 ? Math.abs(u.valToPos(ts[1], 'x', true) - u.valToPos(ts[0], 'x', true)) : width / 20;
    const body = Math.max(1, Math.min(step * 0.7, 24));
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    let drawn = 0;
    for (let i = 0; i < ts.length; i++) {
      const x = Math.round(u.valToPos(ts[i], 'x', true));
      if (x < left || x > left + width) continue;
      drawn++;
      const [yo, yh, yl, yc] = [os[i], hs[i], ls[i], cs[i]].map((v) => u.valToPos(v, 'y', true));
      ctx.fillStyle = ctx.strokeStyle = cs[i] >= os[i] ? UP : DOWN;
      ctx.fillRect(x, Math.min(yh, yl), 1, Math.max(1, Math.abs(yl - yh)));
      ctx.fillRect(x - body / 2, Math.min(yo, yc), body, Math.max(1, Math.abs(yc - yo)));
    }
    ctx.restore();
    this.el.dataset.candles = String(drawn); // what a person sees (the browser test reads it)
  }
}
