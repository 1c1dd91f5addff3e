// Live charts of batch time and throughput (Chart.js), one line per table, redrawn at most twice a second.
import {
  CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip,
} from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

const PALETTE = ['#2463eb', '#12805c', '#b25e09', '#9b37c4', '#c4312b', '#0f8fa8', '#6d7b0f', '#d0477a'];
const MAX_POINTS = 500;

function lineChart(canvas, xTitle, yTitle) {
  const muted = getComputedStyle(document.documentElement).getPropertyValue('--muted').trim() || '#667085';
  return new Chart(canvas, {
    type: 'line',
    data: { datasets: [] },
    options: {
      animation: false,
      maintainAspectRatio: false,
      parsing: false,
      normalized: true,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: { type: 'linear', title: { display: true, text: xTitle, color: muted }, ticks: { color: muted } },
        y: { type: 'linear', beginAtZero: true, title: { display: true, text: yTitle, color: muted }, ticks: { color: muted } },
      },
      plugins: { legend: { labels: { boxWidth: 12, color: muted } } },
      elements: { point: { radius: 2 }, line: { borderWidth: 1.5 } },
    },
  });
}

export class BatchCharts {
  constructor(timeCanvas, rateCanvas) {
    this.time = lineChart(timeCanvas, 'batch #', 'batch time (ms)');
    this.rate = lineChart(rateCanvas, 'seconds since the first batch', 'rows/s');
    this.series = new Map();
    this.batches = 0;
    this.start = undefined;
    this.pending = false;
  }

  dataset(chart, table) {
    let entry = this.series.get(table);
    if (!entry) {
      const color = PALETTE[this.series.size % PALETTE.length];
      const make = () => ({ label: table, data: [], borderColor: color, backgroundColor: color });
      entry = { time: make(), rate: make() };
      this.series.set(table, entry);
      this.time.data.datasets.push(entry.time);
      this.rate.data.datasets.push(entry.rate);
    }
    return chart === this.time ? entry.time : entry.rate;
  }

  /** One BatchCompleted event; `at` is its time in ms. */
  add(batch, durationSeconds, at) {
    this.batches += 1;
    this.start ??= at;
    const timeSet = this.dataset(this.time, batch.table);
    const rateSet = this.dataset(this.rate, batch.table);
    timeSet.data.push({ x: this.batches, y: Math.round(durationSeconds * 1000) });
    const rowsPerSecond = durationSeconds > 0 ? Number(batch.rows) / durationSeconds : batch.rowsPerSecond;
    rateSet.data.push({ x: Math.round((at - this.start) / 100) / 10, y: Math.round(rowsPerSecond) });
    if (timeSet.data.length > MAX_POINTS) timeSet.data.shift();
    if (rateSet.data.length > MAX_POINTS) rateSet.data.shift();
    this.schedule();
  }

  schedule() {
    if (this.pending) return;
    this.pending = true;
    setTimeout(() => {
      this.pending = false;
      this.time.update('none');
      this.rate.update('none');
      // For tests and assistive tools: how many batches the charts show.
      this.time.canvas.dataset.points = String(this.batches);
      this.rate.canvas.dataset.points = String(this.batches);
    }, 500);
  }

  destroy() {
    this.time.destroy();
    this.rate.destroy();
  }
}
