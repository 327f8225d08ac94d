/** Pure helpers behind the Clip view: colour maps, matrix → image, ticks, live values, formatting. */
import { describe, expect, it } from 'vitest';
import type { Matrix } from '../../shared/features';
import { analysedSpan, clampZoom, MAX_ZOOM, MIN_ZOOM } from '../../renderer/src/features/clip/clipStore.svelte';
import { featureTime, formatKHz, logMelRange, mfccRange, zeroBasedDomain } from '../../renderer/src/features/clip/featurePlots';
import { binToHz, RateLimiter, toLiveValues } from '../../renderer/src/features/clip/liveValues';
import { base64ToBytes, clipAudioBlob } from '../../renderer/src/lib/audio/base64';
import { buildColormap, colorAt, lutIndex, RDBU, VIRIDIS } from '../../renderer/src/lib/charts/colormap';
import { plotRect, scaleLinear } from '../../renderer/src/lib/charts/draw';
import { cursorX } from '../../renderer/src/lib/charts/layout';
import { dbRange, finiteExtent, matrixToRgba, symmetricRange } from '../../renderer/src/lib/charts/matrixImage';
import { formatTick, niceCeil, niceStep, niceTicks } from '../../renderer/src/lib/charts/ticks';
import { formatBytes, formatClock, formatHz } from '../../renderer/src/lib/format';
import { fakeFeatures } from './fakeEngine';

describe('colour maps', () => {
  it('viridis runs from dark purple to yellow, clamped, NaN at the low end', () => {
    expect(colorAt(VIRIDIS, 0)).toEqual([0x44, 0x01, 0x54]);
    expect(colorAt(VIRIDIS, 1)).toEqual([0xfd, 0xe7, 0x25]);
    expect(colorAt(VIRIDIS, -3)).toEqual(colorAt(VIRIDIS, 0));
    expect(colorAt(VIRIDIS, 7)).toEqual(colorAt(VIRIDIS, 1));
    expect(colorAt(VIRIDIS, Number.NaN)).toEqual(colorAt(VIRIDIS, 0));
    expect(VIRIDIS.lut).toHaveLength(256 * 3);
  });

  it('viridis gets brighter monotonically (perceptual lightness proxy)', () => {
    const luma = (t: number) => {
      const [r, g, b] = colorAt(VIRIDIS, t);
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    for (let i = 1; i < 256; i++) expect(luma(i / 255)).toBeGreaterThanOrEqual(luma((i - 1) / 255) - 0.5);
  });

  it('RdBu is blue below, near white in the middle, red above', () => {
    const [r0, , b0] = colorAt(RDBU, 0);
    const [r1, , b1] = colorAt(RDBU, 1);
    expect(b0).toBeGreaterThan(r0);
    expect(r1).toBeGreaterThan(b1);
    const mid = colorAt(RDBU, 0.5);
    for (const channel of mid) expect(channel).toBeGreaterThan(230);
  });

  it('interpolates between stops and maps t to a LUT index', () => {
    const grey = buildColormap('grey', [
      [0, 0, 0],
      [255, 255, 255],
    ]);
    expect(colorAt(grey, 0.5)).toEqual([128, 128, 128]);
    expect(lutIndex(0)).toBe(0);
    expect(lutIndex(1)).toBe(255);
    expect(lutIndex(0.5)).toBe(128);
    expect(() => buildColormap('one', [[0, 0, 0]])).toThrow(/two stops/);
  });
});

describe('matrix → image', () => {
  const grey = buildColormap('grey', [
    [0, 0, 0],
    [255, 255, 255],
  ]);
  // rows = bands (row 0 lowest), cols = frames.
  const m: Matrix = { rows: 3, cols: 2, data: [0, 0, 5, 5, 10, Number.NaN] };

  it('puts row 0 (low frequencies) on the bottom image row', () => {
    const rgba = matrixToRgba(m, { min: 0, max: 10 }, grey);
    expect(rgba).toHaveLength(3 * 2 * 4);
    const pixel = (x: number, y: number) => Array.from(rgba.slice((y * 2 + x) * 4, (y * 2 + x) * 4 + 4));
    expect(pixel(0, 2)).toEqual([0, 0, 0, 255]); // row 0 → bottom
    expect(pixel(0, 1)).toEqual([128, 128, 128, 255]);
    expect(pixel(0, 0)).toEqual([255, 255, 255, 255]); // row 2 → top
    expect(pixel(1, 0)).toEqual([0, 0, 0, 0]); // NaN → transparent
  });

  it('clamps values outside the range and survives a zero-width range', () => {
    const rgba = matrixToRgba({ rows: 1, cols: 2, data: [-100, 100] }, { min: 0, max: 1 }, grey);
    expect(Array.from(rgba)).toEqual([0, 0, 0, 255, 255, 255, 255, 255]);
    const flat = matrixToRgba({ rows: 1, cols: 1, data: [3] }, { min: 3, max: 3 }, grey);
    expect(Array.from(flat)).toEqual([128, 128, 128, 255]);
  });

  it('picks colour ranges: finite extent, 80 dB below the top, symmetric without c0', () => {
    expect(finiteExtent([3, Number.NaN, -2, Infinity])).toEqual({ min: -2, max: 3 });
    expect(finiteExtent([])).toEqual({ min: 0, max: 0 });
    expect(dbRange([-120, -50, 10])).toEqual({ min: -70, max: 10 });
    expect(dbRange([-20, 0])).toEqual({ min: -20, max: 0 });
    const mfcc: Matrix = { rows: 2, cols: 4, data: [-400, -380, -390, -410, 1, -2, 3, -4] };
    expect(symmetricRange(mfcc, 1, 1)).toEqual({ min: -4, max: 4 });
    expect(symmetricRange(mfcc, 1, 0)).toEqual({ min: -410, max: 410 });
    expect(symmetricRange({ rows: 1, cols: 1, data: [0] })).toEqual({ min: -1, max: 1 });
  });
});

describe('axes', () => {
  it('places time ticks at nice steps inside the domain', () => {
    expect(niceTicks(0.5, 3.5, 6)).toEqual([0.5, 1, 1.5, 2, 2.5, 3, 3.5]);
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.5, 3.5, 12)).toEqual([0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.25, 2.5, 2.75, 3, 3.25, 3.5]);
    expect(niceTicks(-80, 0, 4)).toEqual([-80, -60, -40, -20, 0]);
    expect(niceTicks(2, 2)).toEqual([2]);
    expect(niceTicks(Number.NaN, 1)).toEqual([]);
    expect(niceStep(3, 6)).toBe(0.5);
    expect(niceStep(4400, 5)).toBe(1000);
  });

  it('formats ticks with just enough decimals, and rounds an axis top up', () => {
    expect(formatTick(0.5, 0.25)).toBe('0.50');
    expect(formatTick(2, 0.5)).toBe('2.0');
    expect(formatTick(-0, 1)).toBe('0');
    expect(formatTick(40, 20)).toBe('40');
    expect(niceCeil(0.0437)).toBe(0.05);
    expect(niceCeil(4321)).toBe(5000);
    expect(niceCeil(0)).toBe(1);
  });

  it('scales linearly and finds the cursor only inside the plotted span', () => {
    const x = scaleLinear({ min: 0.5, max: 3.5 }, [40, 340]);
    expect(x(0.5)).toBe(40);
    expect(x(2)).toBe(190);
    const rect = plotRect(400, 200, { top: 10, right: 20, bottom: 30, left: 40 });
    expect(rect).toEqual({ x: 40, y: 10, width: 340, height: 160 });
    expect(cursorX(rect, { min: 1, max: 3 }, 2)).toBe(210);
    expect(cursorX(rect, { min: 1, max: 3 }, 0.5)).toBeNull();
    expect(cursorX(rect, { min: 1, max: 3 }, null)).toBeNull();
  });
});

describe('feature plot ranges', () => {
  const f = fakeFeatures(7);

  it('covers the analysed window on the time axis', () => {
    expect(featureTime(f)).toEqual({ min: 0.5, max: 3.5 });
  });

  it('chooses colour and value ranges', () => {
    const mel = logMelRange(f);
    expect(mel.max).toBeCloseTo(Math.max(...f.logMel.data));
    expect(mel.max - mel.min).toBeLessThanOrEqual(80);
    const cep = mfccRange(f);
    expect(cep.min).toBe(-cep.max);
    expect(cep.max).toBeLessThanOrEqual(20); // c0 (-300) is left out
    expect(zeroBasedDomain([0.01, 0.04])).toEqual({ min: 0, max: 0.05 });
    expect(zeroBasedDomain([9000, 12000], 11025)).toEqual({ min: 0, max: 11025 });
    expect(formatKHz(2000, 1000)).toBe('2k');
    expect(formatKHz(1500, 500)).toBe('1.5k');
    expect(formatKHz(0, 500)).toBe('0');
  });

  it('clamps the analysed window to the recording', () => {
    expect(analysedSpan({ offsetSec: 0.5, durationSec: 3 }, 3.05)).toEqual({ start: 0.5, end: 3.05 });
    expect(analysedSpan({ offsetSec: 0.5, durationSec: 3 }, 4.2)).toEqual({ start: 0.5, end: 3.5 });
    expect(analysedSpan({ offsetSec: 0.5, durationSec: 3 }, null)).toEqual({ start: 0.5, end: 3.5 });
    expect(clampZoom(0.2)).toBe(MIN_ZOOM);
    expect(clampZoom(1e9)).toBe(MAX_ZOOM);
    expect(clampZoom(Number.NaN)).toBe(MIN_ZOOM);
  });
});

describe('live values', () => {
  it('converts Meyda centroid bins to Hz: bin × sampleRate / bufferSize', () => {
    expect(binToHz(100, 48000, 2048)).toBe(2343.75);
    expect(binToHz(0, 44100, 2048)).toBe(0);
    expect(binToHz(1024, 44100, 2048)).toBe(22050);
  });

  it('builds display values from a Meyda frame', () => {
    expect(toLiveValues({ rms: 0.1, spectralCentroid: 64, zcr: 30, loudness: { total: 12.5 } }, 48000)).toEqual({
      rms: 0.1,
      centroidHz: 1500,
      zcr: 30,
      loudness: 12.5,
    });
    // Silence: Meyda's centroid is NaN.
    expect(toLiveValues({ rms: 0, spectralCentroid: Number.NaN, zcr: 0, loudness: { total: 0 } }, 48000)?.centroidHz).toBe(0);
    expect(toLiveValues({ rms: 0.1 }, 48000)).toBeNull();
  });

  it('rate-limits updates to one per interval', () => {
    let now = 0;
    const limiter = new RateLimiter(100, () => now);
    expect(limiter.take()).toBe(true);
    now = 50;
    expect(limiter.take()).toBe(false);
    now = 100;
    expect(limiter.take()).toBe(true);
    now = 150;
    expect(limiter.take()).toBe(false);
    limiter.reset();
    expect(limiter.take()).toBe(true);
  });
});

describe('audio bytes and formatting', () => {
  it('decodes base64 to bytes and a typed Blob', async () => {
    expect(Array.from(base64ToBytes('UklGRg=='))).toEqual([0x52, 0x49, 0x46, 0x46]);
    const blob = clipAudioBlob({ mimeType: 'audio/wav', base64: 'UklGRiQAAABXQVZF', sizeBytes: 12 });
    expect(blob.type).toBe('audio/wav');
    expect(blob.size).toBe(12);
    expect(new Uint8Array(await blob.arrayBuffer()).slice(8, 12)).toEqual(new Uint8Array([0x57, 0x41, 0x56, 0x45]));
  });

  it('formats the clock, sizes and frequencies', () => {
    expect(formatClock(0)).toBe('0:00.00');
    expect(formatClock(3.456)).toBe('0:03.45');
    expect(formatClock(65.5)).toBe('1:05.50');
    expect(formatClock(Number.NaN)).toBe('0:00.00');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(292_844)).toBe('292.8 KB');
    expect(formatBytes(4_560_000)).toBe('4.56 MB');
    expect(formatHz(440.4)).toBe('440 Hz');
    expect(formatHz(2345)).toBe('2.35 kHz');
  });
});
