export interface Finding {
  id: string;
  file: string;
  line: number;
  severity: 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH';
  confidence: string;
  description: string;
}
export interface AcceptedFinding {
  check: string;
  file: string;
  reason: string;
}
export const ACCEPTED_FILE: string;
export function containsTensorflow(bundleText: string): boolean;
export function metaCsp(html: string): string | null;
export function cspProblems(csp: string | null): string[];
export function judge(
  issues: Finding[],
  accepted: AcceptedFinding[],
): { unexplained: Finding[]; explained: Array<{ issue: Finding; reason: string }>; stale: AcceptedFinding[] };
export function runElectronegativity(excludedChecks: string[]): Promise<{
  checks: number;
  version: string;
  errors: Array<{ file: string; message: string; tolerable: boolean }>;
  issues: Finding[];
}>;
export function main(): Promise<number>;
