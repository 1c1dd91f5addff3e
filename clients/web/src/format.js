// Display helpers: numbers, durations, phases.
import { timestampDate } from '@bufbuild/protobuf/wkt';

import { MigrationPhase, TableStatus, WritePath } from './gen/migration/v1/migration_pb.js';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

export const num = (value) => integer.format(Number(value ?? 0));
export const rate = (value) => `${compact.format(Number(value ?? 0))} rows/s`;

export function seconds(duration) {
  if (!duration) return 0;
  return Number(duration.seconds ?? 0n) + (duration.nanos ?? 0) / 1e9;
}

export function eta(duration) {
  const s = Math.round(seconds(duration));
  if (!duration || s <= 0) return '–';
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function percent(part, whole) {
  const p = Number(whole) > 0 ? (100 * Number(part)) / Number(whole) : 0;
  return Math.max(0, Math.min(100, p));
}

export function time(timestamp) {
  if (!timestamp || (timestamp.seconds === 0n && timestamp.nanos === 0)) return '';
  return timestampDate(timestamp).toLocaleTimeString();
}

export function dateTime(timestamp) {
  if (!timestamp || (timestamp.seconds === 0n && timestamp.nanos === 0)) return '';
  return timestampDate(timestamp).toLocaleString();
}

/** MigrationPhase.AWAITING_APPROVAL -> 'awaiting-approval' (also the CSS class of its badge). */
export const phaseKey = (phase) => (MigrationPhase[phase] ?? 'UNSPECIFIED').toLowerCase().replaceAll('_', '-');
export const phaseLabel = (phase) => phaseKey(phase).replaceAll('-', ' ');
export const tableStatusLabel = (status) => (TableStatus[status] ?? 'UNSPECIFIED').toLowerCase();
export const writePathLabel = (path) => (WritePath[path] ?? '').toLowerCase().replaceAll('_', '-');

export const TERMINAL = new Set([
  MigrationPhase.COMPLETED, MigrationPhase.FAILED, MigrationPhase.ROLLED_BACK, MigrationPhase.CANCELLED,
]);

/** Builds a DOM element: h('td', { class: 'num' }, 'text', child, ...). Text is always set as text, never as HTML. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export function toast(message) {
  const box = document.getElementById('toast');
  box.textContent = message;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (box.textContent = ''), 6000);
}
