// `npm run security` (and a step of `npm test`, after the build): the Electron security checks.
//   1. @doyensec/electronegativity over the app's sources (electron/, shared/, renderer/index.html and
//      renderer/src, package.json). Any finding above LOW fails unless scripts/electronegativity-accepted.json
//      explains it; an accepted entry that no longer matches anything fails too, so the list (and the
//      README's copy of it) stays true. Sources rather than out/: the tool's parsers reject the built
//      bundles (class private fields, electron-vite's `require` shim), which would leave them unscanned.
//   2. The Content-Security-Policy the renderer ships (renderer/index.html and out/renderer/index.html)
//      exists and allows neither 'unsafe-eval' nor inline scripts, and nothing in electron/ weakens it.
//   3. TensorFlow.js is not in the renderer bundle (out/renderer): it runs in the main process's workers only.
// Runs offline: the tool's two network look-ups (translations, Electron's release list) are stubbed out.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '..');
export const ACCEPTED_FILE = path.join(root, 'scripts', 'electronegativity-accepted.json');
const SEVERITY = { INFORMATIONAL: 0, LOW: 1, MEDIUM: 2, HIGH: 3 };

/**
 * Strings only TensorFlow.js's own code carries: its URL flags prefix and its engine's kernel-lookup
 * error. Not the package name: the page itself tells users to `npm install @tensorflow/tfjs-node`.
 */
const TFJS_MARKERS = ['tfjsflags', 'not registered for backend'];

export function containsTensorflow(bundleText) {
  return TFJS_MARKERS.some((marker) => bundleText.includes(marker));
}

/** The CSP a page declares in its <meta http-equiv="Content-Security-Policy">, or null. */
export function metaCsp(html) {
  const tag = html.match(/<meta\s[^>]*http-equiv=["']Content-Security-Policy["'][^>]*>/i);
  const content = tag?.[0].match(/content=(["'])([\s\S]*?)\1/i);
  return content ? (content[2] ?? '').replace(/\s+/g, ' ').trim() : null;
}

/** What is wrong with a CSP for this app: empty when it is strict enough. */
export function cspProblems(csp) {
  if (!csp) return ['no Content-Security-Policy'];
  const directives = new Map(
    csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...values]) => [name.toLowerCase(), values]),
  );
  const scripts = directives.get('script-src') ?? directives.get('default-src');
  const problems = [];
  if (csp.includes("'unsafe-eval'")) problems.push("'unsafe-eval' is allowed");
  if (!scripts) problems.push('no script-src or default-src');
  else if (scripts.includes("'unsafe-inline'") || scripts.includes('*')) problems.push(`script-src is too open (${scripts.join(' ')})`);
  if (!directives.has('object-src') && !(directives.get('default-src') ?? []).every((v) => v === "'self'" || v === "'none'")) {
    problems.push('no object-src');
  }
  return problems;
}

/**
 * Splits findings into accepted (matched by check id and file in `accepted`) and unexplained ones above
 * LOW, and lists accepted entries that matched nothing.
 */
export function judge(issues, accepted) {
  const used = new Set();
  const unexplained = [];
  const explained = [];
  for (const issue of issues) {
    const entry = accepted.findIndex((a) => a.check === issue.id && a.file === issue.file);
    if (entry >= 0) {
      used.add(entry);
      explained.push({ issue, reason: accepted[entry].reason });
    } else if ((SEVERITY[issue.severity] ?? SEVERITY.HIGH) > SEVERITY.LOW) {
      unexplained.push(issue);
    }
  }
  const stale = accepted.filter((_, i) => !used.has(i));
  return { unexplained, explained, stale };
}

/** Copies the scanned sources to a temporary folder (the tool takes one folder and would walk tests/ and out/). */
function stageSources() {
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'electronegativity-'));
  const keep = (file) => fs.statSync(file).isDirectory() || /\.(ts|js|cjs|mjs|html)$/.test(file);
  for (const dir of ['electron', 'shared', 'renderer/src']) {
    fs.cpSync(path.join(root, dir), path.join(stage, dir), { recursive: true, filter: keep });
  }
  fs.copyFileSync(path.join(root, 'renderer', 'index.html'), path.join(stage, 'renderer', 'index.html'));
  fs.copyFileSync(path.join(root, 'package.json'), path.join(stage, 'package.json'));
  return stage;
}

/** Runs electronegativity's library entry point offline; returns its findings with project-relative files. */
export async function runElectronegativity(excludedChecks) {
  const toolDir = path.dirname(require.resolve('@doyensec/electronegativity/package.json'));
  const toolRequire = createRequire(path.join(toolDir, 'dist', 'runner.js'));
  // Both look-ups go through `got`: answer them "offline" at once instead of waiting on the network.
  const gotPath = toolRequire.resolve('got');
  require.cache[gotPath] = { id: gotPath, filename: gotPath, loaded: true, exports: () => Promise.reject(new Error('offline')) };
  const run = toolRequire('./runner.js');
  const stage = stageSources();
  const log = console.log;
  console.log = () => {}; // the tool narrates ("Could not retrieve updated translations…")
  try {
    const result = await run({
      input: stage,
      isRelative: true,
      customScan: [],
      excludeFromScan: excludedChecks,
      parserPlugins: [],
      electronVersionOverride: require('electron/package.json').version,
    });
    return {
      checks: result.globalChecks + result.atomicChecks,
      version: require('@doyensec/electronegativity/package.json').version,
      errors: result.errors.map((e) => ({ ...e, file: path.relative(stage, e.file) })),
      issues: result.issues.map((i) => ({
        id: i.id,
        file: i.file.split(path.sep).join('/'),
        line: i.location?.line ?? 0,
        severity: i.severity.name,
        confidence: i.confidence.name,
        description: i.description,
      })),
    };
  } finally {
    console.log = log;
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

function* files(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else yield full;
  }
}

export async function main() {
  const failures = [];
  const rel = (file) => path.relative(root, file);

  // 1. electronegativity
  const config = JSON.parse(fs.readFileSync(ACCEPTED_FILE, 'utf8'));
  const scan = await runElectronegativity(config.excludedChecks.map((c) => c.check.toLowerCase()));
  process.stdout.write(`electronegativity ${scan.version}: ${scan.checks} checks over electron/, shared/, renderer/ (excluded: ${config.excludedChecks.map((c) => c.check).join(', ') || 'none'})\n`);
  for (const error of scan.errors) {
    if (!error.tolerable) failures.push(`electronegativity could not parse ${error.file}: ${error.message}`);
  }
  const { unexplained, explained, stale } = judge(scan.issues, config.accepted);
  for (const { issue } of explained) process.stdout.write(`  accepted ${issue.severity} ${issue.id} ${issue.file}:${issue.line} (reason in ${rel(ACCEPTED_FILE)})\n`);
  for (const issue of scan.issues.filter((i) => SEVERITY[i.severity] <= SEVERITY.LOW && !explained.some((e) => e.issue === i))) {
    process.stdout.write(`  low      ${issue.severity} ${issue.id} ${issue.file}:${issue.line}\n`);
  }
  for (const issue of unexplained) {
    failures.push(`${issue.severity} ${issue.id} at ${issue.file}:${issue.line}: ${issue.description} (fix it, or explain it in ${rel(ACCEPTED_FILE)} and the README's Security section)`);
  }
  for (const entry of stale) failures.push(`${rel(ACCEPTED_FILE)} accepts ${entry.check} in ${entry.file}, which no longer occurs: remove it (and from the README)`);

  // 2. CSP
  const builtIndex = path.join(root, 'out', 'renderer', 'index.html');
  if (!fs.existsSync(builtIndex)) failures.push('out/renderer/index.html is missing: run `npm run build` first');
  for (const page of [path.join(root, 'renderer', 'index.html'), builtIndex].filter((p) => fs.existsSync(p))) {
    const csp = metaCsp(fs.readFileSync(page, 'utf8'));
    const problems = cspProblems(csp);
    if (problems.length > 0) failures.push(`${rel(page)}: ${problems.join('; ')}`);
    else process.stdout.write(`  CSP ok   ${rel(page)}: ${csp}\n`);
  }
  for (const file of files(path.join(root, 'electron'))) {
    // e.g. a Content-Security-Policy header set from the main process that loosens the page's own.
    if (fs.readFileSync(file, 'utf8').includes("'unsafe-eval'")) failures.push(`${rel(file)} allows 'unsafe-eval'`);
  }

  // 3. No TensorFlow.js in the renderer
  const rendererDir = path.join(root, 'out', 'renderer');
  if (fs.existsSync(rendererDir)) {
    const scripts = [...files(rendererDir)].filter((f) => /\.(m?js|cjs)$/.test(f));
    const withTf = scripts.filter((f) => containsTensorflow(fs.readFileSync(f, 'utf8')));
    for (const file of withTf) failures.push(`${rel(file)} contains TensorFlow.js: the renderer must not train or predict (and tfjs in a page wants 'unsafe-eval' for some kernels)`);
    if (withTf.length === 0) process.stdout.write(`  no TensorFlow.js in the renderer bundle (${scripts.length} scripts)\n`);
  }

  if (failures.length > 0) {
    process.stdout.write(`✗ security scan: ${failures.length} problem(s)\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
    return 1;
  }
  process.stdout.write(`✓ security scan: nothing above LOW unexplained (${explained.length} accepted, listed in the README)\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`security scan failed to run: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
