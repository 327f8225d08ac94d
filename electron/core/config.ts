/** Reading experiment configs from YAML files, with errors that name the file, the key and the expectation. */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { DEFAULT_CONFIG, parseConfig, type Config } from '../../shared/config';
import { EngineError } from '../../shared/errors';

export function parseConfigText(text: string, source: string): Config {
  let raw: unknown;
  try {
    raw = YAML.parse(text);
  } catch (err) {
    throw new EngineError('BAD_FILE', `${source}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  const parsed = parseConfig(raw);
  if (!parsed.ok) throw new EngineError('BAD_FILE', `${source}: ${parsed.errors.join('; ')}`);
  return parsed.config;
}

/** Load a config file; without one, the defaults (which are `configs/default.yaml`'s values). */
export function loadConfigFile(file: string | undefined): Config {
  if (file === undefined) return DEFAULT_CONFIG;
  const abs = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new EngineError(code === 'ENOENT' ? 'NOT_FOUND' : 'UNREADABLE', `${abs}: ${code === 'ENOENT' ? 'config file does not exist' : (err as Error).message}`);
  }
  return parseConfigText(text, abs);
}

export function configToYaml(config: Config): string {
  return YAML.stringify(config);
}
