// `npm run icons`: renders resources/icon.svg to the PNGs electron-builder packages
// (resources/icons/<size>x<size>.png: 1024 for macOS and Windows, the folder for Linux).
import fs from 'node:fs';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';

const resources = path.resolve(import.meta.dirname, '..', 'resources');
const svg = fs.readFileSync(path.join(resources, 'icon.svg'));
fs.mkdirSync(path.join(resources, 'icons'), { recursive: true });
for (const size of [512, 1024]) {
  const png = new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().asPng();
  const file = path.join(resources, 'icons', `${size}x${size}.png`);
  fs.writeFileSync(file, png);
  process.stdout.write(`${path.relative(process.cwd(), file)} (${png.length} bytes)\n`);
}
