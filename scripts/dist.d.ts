export const CANNOT_PACKAGE: number;
export function electronCacheRoots(env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform): string[];
export function cachedElectronZip(version: string, platform?: NodeJS.Platform, arch?: string, env?: NodeJS.ProcessEnv): string | null;
export function foreignTargets(args: string[], platform?: NodeJS.Platform, arch?: string): string[];
export function main(args?: string[]): number;
