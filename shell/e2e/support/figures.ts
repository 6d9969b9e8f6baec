import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SCREENSHOT_DIR } from './browser.ts';

/** Measured figures: printed, and collected in e2e/artifacts/figures.json for the closing note. */
export function recordFigure(name: string, value: number | string | Record<string, unknown>): void {
  console.log(`[e2e figure] ${name} = ${typeof value === 'object' ? JSON.stringify(value) : value}`);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, 'figures.json');
  const all = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  all[name] = { value, at: new Date().toISOString() };
  writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
}
