/**
 * A config as YAML text, by the `yaml` library (the same that reads config files), so whatever is
 * shown or saved loads again unchanged: keys like `"01"` stay quoted strings, not the number 1.
 */
import YAML from 'yaml';
import type { Config } from '../../../shared/config';

export function configYaml(config: Config): string {
  return YAML.stringify(config);
}
