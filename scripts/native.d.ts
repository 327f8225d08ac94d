export function ensureNodeAbi(): void;
export function ensureElectronAbi(electronVersion: string): void;
export function electronBinary(): string | null;
export function builtForElectron(): boolean;
