// Live dashboard: frames (one per sampling interval, computed by the router from the stack's /q/metrics) arrive over
// server-sent events; each chart keeps the last WINDOW frames. Every chart states in data-points how many frames it
// holds and in data-filled whether any of its series has shown a non-zero value (the headless browser test reads them).
"use strict";
const WINDOW = 300;
const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                 "#bcbd22", "#17becf"];

class Chart {
  constructor(id) {
    this.el = document.getElementById(id);
    this.plotEl = this.el.querySelector(".plot");
    this.labels = [];
    this.times = [];
    this.values = {};   // label -> array aligned with times
    this.plot = null;
    this.filled = false;
  }

  // one frame: a time (s) and {label: number|null}
  push(t, point) {
    let grew = false;
    for (const label of Object.keys(point)) {
      if (!(label in this.values)) {
        this.values[label] = this.times.map(() => null);
        this.labels.push(label);
        grew = true;
      }
    }
    this.times.push(t);
    for (const label of this.labels) {
      const v = point[label];
      const ok = typeof v === "number" && isFinite(v);
      this.values[label].push(ok ? v : null);
      if (ok && v !== 0) this.filled = true;
    }
    if (this.times.length > WINDOW) {
      this.times.shift();
      for (const label of this.labels) this.values[label].shift();
    }
    this.el.dataset.points = String(this.times.length);
    this.el.dataset.filled = String(this.filled);
    this.draw(grew);
  }

  data() {
    return [this.times, ...this.labels.map(l => this.values[l])];
  }

  draw(rebuild) {
    if (this.plot && !rebuild) {
      this.plot.setData(this.data());
      return;
    }
    if (this.plot) this.plot.destroy();
    const width = Math.max(300, this.el.clientWidth - 20);
    this.plot = new uPlot({
      width, height: 220,
      series: [{}, ...this.labels.map((l, i) => ({label: l, stroke: PALETTE[i % PALETTE.length], width: 1.5,
                                                      spanGaps: false}))],
      axes: [{}, {size: 55}],
      scales: {x: {time: true}},
    }, this.data(), this.plotEl);
  }
}

const charts = {};
for (const id of ["throughput", "latency", "mixture", "clusters", "cache", "paths", "executors"]) {
  charts[id] = new Chart(id);
}
let frames = 0;

function onFrame(f) {
  const t = f.t / 1000;
  const th = f.throughput;
  charts.throughput.push(t, {"routed rest": th.rest, "routed grpc": th.grpc, "routed kafka": th.kafka,
                             "answered": th.answered, "rejected": th.rejected, "dead-lettered": th.dlq});
  const lat = {};
  for (const [stage, q] of Object.entries(f.latency)) {
    lat[stage + " p50"] = q.p50;
    lat[stage + " p99"] = q.p99;
  }
  charts.latency.push(t, lat);
  charts.mixture.push(t, f.mixture);
  charts.clusters.push(t, {"clusters per batch": f.clusters.perBatch, "rows per batch": f.clusters.batchRows});
  if (f.clusters.strategy) document.getElementById("strategy").textContent = "(strategy " + f.clusters.strategy + ")";
  charts.cache.push(t, {"hit rate %": f.cache.hitRate == null ? null : 100 * f.cache.hitRate,
                        "MB": f.cache.bytes / 1048576, "entries": f.cache.entries});
  charts.paths.push(t, f.rows);
  const ex = {};
  for (const [name, load] of Object.entries(f.executors)) {
    ex[name + " rows/s"] = load.rowsPerS;
    ex[name + " queue"] = load.queue;
  }
  charts.executors.push(t, ex);
  drawDlq(f.dlq, f.lag);
  frames++;
  document.body.dataset.frames = String(frames);
  const down = Object.entries(f.sources).filter(([, s]) => s !== "ok");
  document.getElementById("status").textContent = new Date(f.t).toLocaleTimeString() + " · sources "
    + Object.keys(f.sources).join(", ") + (down.length ? " · NOT ANSWERING: " + down.map(d => d[1]).join("; ") : "");
}

function drawDlq(dlq, lag) {
  const section = document.getElementById("dlq");
  const body = section.querySelector("tbody");
  body.replaceChildren(...Object.entries(dlq).map(([reason, n]) => {
    const tr = document.createElement("tr");
    const a = document.createElement("td");
    a.textContent = reason;
    const b = document.createElement("td");
    b.textContent = String(n);
    tr.append(a, b);
    return tr;
  }));
  section.dataset.points = String(frames + 1);
  section.dataset.filled = String(Object.values(dlq).some(n => n > 0));
  const lags = Object.entries(lag).map(([client, n]) => client.replace("kafka-consumer-", "") + " " + n);
  document.getElementById("lag").textContent = "Kafka consumer lag, largest partition (records): "
    + (lags.length ? lags.join(", ") : "none reported");
}

async function start() {
  let past = [];
  try {
    past = await (await fetch("/dashboard/frames")).json();
    past.forEach(onFrame);
  } catch (e) {
    document.getElementById("status").textContent = "history unavailable: " + e;
  }
  // ?snapshot: draw the history only, with no live stream (a page that finishes loading, for a headless screenshot)
  if (new URLSearchParams(location.search).has("snapshot")) {
    document.getElementById("status").textContent += " · snapshot of " + past.length + " frames";
    return;
  }
  const source = new EventSource("/dashboard/stream");
  source.onmessage = ev => onFrame(JSON.parse(ev.data));
  source.onerror = () => { document.getElementById("status").textContent += " · (reconnecting)"; };
}
start();
