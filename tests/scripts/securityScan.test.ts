/** The judging half of scripts/securityScan.js (the scan itself runs as a step of `npm test`). */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACCEPTED_FILE, containsTensorflow, cspProblems, judge, metaCsp, type Finding } from '../../scripts/securityScan.js';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '../..');

const finding = (id: string, severity: Finding['severity'], file = 'electron/main/index.ts'): Finding => ({
  id,
  file,
  line: 1,
  severity,
  confidence: 'FIRM',
  description: id,
});

describe('judge', () => {
  const accepted = [{ check: 'PRELOAD_JS_CHECK', file: 'electron/main/index.ts', reason: 'reviewed' }];

  it('fails MEDIUM and HIGH findings that are not accepted, lets LOW ones through', () => {
    const high = finding('NODE_INTEGRATION_JS_CHECK', 'HIGH');
    const medium = finding('OPEN_EXTERNAL_JS_CHECK', 'MEDIUM');
    const result = judge([high, medium, finding('CSP_GLOBAL_CHECK', 'LOW'), finding('PRELOAD_JS_CHECK', 'MEDIUM')], accepted);
    expect(result.unexplained).toEqual([high, medium]);
    expect(result.explained.map((e) => e.issue.id)).toEqual(['PRELOAD_JS_CHECK']);
    expect(result.stale).toEqual([]);
  });

  it('matches an accepted entry by check and file only', () => {
    const elsewhere = finding('PRELOAD_JS_CHECK', 'MEDIUM', 'electron/main/other.ts');
    const result = judge([elsewhere], accepted);
    expect(result.unexplained).toEqual([elsewhere]);
    expect(result.stale).toEqual(accepted);
  });

  it('every accepted entry in the project file has a check, a file and a reason', () => {
    const config = JSON.parse(fs.readFileSync(ACCEPTED_FILE, 'utf8')) as {
      excludedChecks: Array<{ check: string; reason: string }>;
      accepted: Array<{ check: string; file: string; reason: string }>;
    };
    for (const entry of [...config.excludedChecks, ...config.accepted]) {
      expect(entry.check).toMatch(/^[A-Za-z_]+$/);
      expect(entry.reason.length).toBeGreaterThan(40);
    }
    for (const entry of config.accepted) expect(fs.existsSync(path.join(root, entry.file))).toBe(true);
  });
});

describe('CSP', () => {
  it('reads the meta CSP, quotes and all', () => {
    const html = `<meta\n  http-equiv="Content-Security-Policy"\n  content="default-src 'self'; script-src 'self'"\n/>`;
    expect(metaCsp(html)).toBe("default-src 'self'; script-src 'self'");
    expect(metaCsp('<meta charset="utf-8">')).toBeNull();
  });

  it("the renderer's CSP passes; eval, inline scripts and no CSP at all fail", () => {
    expect(cspProblems(metaCsp(fs.readFileSync(path.join(root, 'renderer/index.html'), 'utf8')))).toEqual([]);
    expect(cspProblems("default-src 'self'; script-src 'self' 'unsafe-eval'")).toEqual(["'unsafe-eval' is allowed"]);
    expect(cspProblems("default-src 'self'; script-src 'self' 'unsafe-inline'; object-src 'none'")).toEqual([
      "script-src is too open ('self' 'unsafe-inline')",
    ]);
    expect(cspProblems(null)).toEqual(['no Content-Security-Policy']);
  });
});

describe('containsTensorflow', () => {
  it("recognises TensorFlow.js's own bundle and not an ordinary one", () => {
    const tfjs = fs.readFileSync(require.resolve('@tensorflow/tfjs-core/dist/tf-core.min.js'), 'utf8');
    expect(containsTensorflow(tfjs)).toBe(true);
    expect(containsTensorflow('export const tensor = 1; // a tensor, but not TensorFlow')).toBe(false);
    // The Train view's advice names the package; that is text, not TensorFlow.js.
    expect(containsTensorflow('`Native TensorFlow is several times faster: <code>npm install @tensorflow/tfjs-node</code>`')).toBe(false);
  });
});
