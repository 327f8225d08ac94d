/**
 * selectBackend and the wasm training kernels. tfjs's backend is process-wide state, so these tests
 * live in their own file (vitest runs each file in its own worker) and run in order.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { activeBackend, loadNativeTensorflow, NATIVE_TENSORFLOW_PACKAGES, selectBackend, tf } from '../../../../electron/core/training/backend';

const tfjsNodeInstalled = (() => {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
})();

describe('selectBackend', () => {
  it("'auto' takes the best backend that loads and says why faster ones were skipped", async () => {
    const started = performance.now();
    const selection = await selectBackend('auto');
    console.log(`auto → ${selection.reason} (${Math.round(performance.now() - started)} ms)`);
    expect(tf.getBackend()).toBe(selection.backend);
    if (!tfjsNodeInstalled) {
      // This machine: the optional native package could not install.
      expect(selection.backend).toBe('wasm');
      expect(selection.skipped).toEqual([{ backend: 'tensorflow', reason: 'tfjs-node not installed' }]);
      expect(selection.reason).toMatch(/^wasm .*tensorflow skipped: tfjs-node not installed$/);
    } else if (selection.backend !== 'tensorflow') {
      expect(selection.reason).toMatch(/tfjs-node/);
    }
    // The missing package must fail fast, not hang on a download or a long timeout.
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('a second call returns the same selection without re-initialising', async () => {
    const first = await selectBackend();
    const [second, third] = await Promise.all([selectBackend(), selectBackend('auto')]);
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(activeBackend()).toBe(first);
  });

  it.skipIf(tfjsNodeInstalled)("forcing 'tensorflow' without tfjs-node fails with the reason", async () => {
    await expect(selectBackend('tensorflow')).rejects.toThrow(/tensorflow backend was requested but is unavailable: tfjs-node not installed/);
    // The failed request leaves the previous backend active.
    expect(tf.getBackend()).toBe('wasm');
  });

  it("forcing 'cpu' switches and computes; forcing 'wasm' switches back", async () => {
    const cpu = await selectBackend('cpu');
    expect(cpu).toEqual({ backend: 'cpu', reason: 'cpu (pure JavaScript, slowest) (requested)', skipped: [] });
    expect(tf.getBackend()).toBe('cpu');
    expect(await selectBackend('cpu')).toBe(cpu);
    // 'auto' after a forced choice keeps it: auto means "whatever is active, else the best".
    expect(await selectBackend('auto')).toBe(cpu);
    expect(Array.from(tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]]))).dataSync())).toEqual([11]);

    const wasm = await selectBackend('wasm');
    expect(wasm.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('rejects an unknown preference', async () => {
    await expect(selectBackend('gpu' as never)).rejects.toThrow(/unknown preference "gpu"/);
  });
});

describe('loadNativeTensorflow (the native half of the order: tfjs-node-gpu → tfjs-node, then wasm → cpu)', () => {
  /** Stand-ins for the optional packages: importing an installed one registers the backend. */
  function fakePackages(behaviour: Record<string, 'installed' | 'absent' | Error>) {
    const imported: string[] = [];
    let registered = false;
    const importModule = async (specifier: string): Promise<unknown> => {
      imported.push(specifier);
      const b = behaviour[specifier] ?? 'absent';
      if (b === 'absent') {
        throw Object.assign(new Error(`Cannot find package '${specifier}' imported from /app/out/main/trainWorker.js`), { code: 'ERR_MODULE_NOT_FOUND' });
      }
      if (b instanceof Error) throw b;
      registered = true;
      return {};
    };
    return { imported, importModule, registered: () => registered };
  }

  it('tries the CUDA build first', () => {
    expect(NATIVE_TENSORFLOW_PACKAGES).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
  });

  it('takes tfjs-node-gpu when it loads, without importing tfjs-node', async () => {
    const fake = fakePackages({ '@tensorflow/tfjs-node-gpu': 'installed', '@tensorflow/tfjs-node': 'installed' });
    expect(await loadNativeTensorflow(fake.importModule, fake.registered)).toEqual({ loaded: '@tensorflow/tfjs-node-gpu', failures: [] });
    expect(fake.imported).toEqual(['@tensorflow/tfjs-node-gpu']);
  });

  it('falls back to tfjs-node when tfjs-node-gpu is absent', async () => {
    const fake = fakePackages({ '@tensorflow/tfjs-node': 'installed' });
    expect(await loadNativeTensorflow(fake.importModule, fake.registered)).toEqual({
      loaded: '@tensorflow/tfjs-node',
      failures: ['tfjs-node-gpu not installed'],
    });
    expect(fake.imported).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
  });

  it('falls back to tfjs-node when tfjs-node-gpu is installed but cannot load, and keeps why', async () => {
    const fake = fakePackages({
      '@tensorflow/tfjs-node-gpu': new Error('libcudart.so.11.0: cannot open shared object file: No such file or directory'),
      '@tensorflow/tfjs-node': 'installed',
    });
    const load = await loadNativeTensorflow(fake.importModule, fake.registered);
    expect(load.loaded).toBe('@tensorflow/tfjs-node');
    expect(load.failures).toEqual(['tfjs-node-gpu failed to load: libcudart.so.11.0: cannot open shared object file: No such file or directory']);
  });

  it('reports each package when neither registers the backend (selectBackend then moves on to wasm)', async () => {
    const fake = fakePackages({});
    expect(await loadNativeTensorflow(fake.importModule, fake.registered)).toEqual({
      loaded: null,
      failures: ['tfjs-node-gpu not installed', 'tfjs-node not installed'],
    });
    expect(fake.imported).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
  });

  it('a package that loads but registers with another tfjs-core does not count', async () => {
    const imported: string[] = [];
    const load = await loadNativeTensorflow(async (s) => imported.push(s), () => false);
    expect(load.loaded).toBeNull();
    expect(load.failures).toHaveLength(2);
    expect(load.failures[0]).toMatch(/^tfjs-node-gpu loaded but registered its backend with another copy of @tensorflow\/tfjs-core/);
    expect(imported).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
  });
});

/** Values and gradients of `f` at `inputs` on one backend. */
async function valueAndGrads(backend: 'wasm' | 'cpu', f: (...xs: tf.Tensor[]) => tf.Scalar, inputs: () => tf.Tensor[]): Promise<number[][]> {
  await selectBackend(backend);
  return tf.tidy(() => {
    const xs = inputs();
    const { value, grads } = tf.valueAndGrads(f)(xs);
    return [Array.from(value.dataSync()), ...grads.map((g) => Array.from(g.dataSync()))];
  });
}

function maxRelativeDifference(a: number[][], b: number[][]): number {
  expect(a.map((x) => x.length)).toEqual(b.map((x) => x.length));
  let worst = 0;
  a.forEach((row, i) => row.forEach((v, j) => {
    const w = (b[i] as number[])[j] as number;
    worst = Math.max(worst, Math.abs(v - w) / (1 + Math.abs(w)));
  }));
  return worst;
}

const rand = (shape: number[], seed: number): tf.Tensor => tf.randomNormal(shape, 0, 1, 'float32', seed);

describe('wasm training kernels agree with the cpu backend', () => {
  const cases: [string, (...xs: tf.Tensor[]) => tf.Scalar, () => tf.Tensor[]][] = [
    // Conv1D as the layers run it: [batch, 1, frames, channels] with a [1, k, in, out] filter.
    ['conv1d same', (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same').square().sum(), () => [rand([3, 1, 17, 6], 1), rand([1, 5, 6, 4], 2)]],
    ['conv2d valid', (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'valid').square().sum(), () => [rand([2, 9, 8, 3], 3), rand([3, 2, 3, 4], 4)]],
    ['conv2d strided', (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, [2, 3], 'same').square().sum(), () => [rand([2, 9, 11, 3], 5), rand([3, 3, 3, 2], 6)]],
    ['conv2d even kernel', (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same').square().sum(), () => [rand([2, 6, 7, 2], 7), rand([2, 4, 2, 3], 8)]],
    ['matMul transposes', (a, b) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, true, true).square().sum(), () => [rand([7, 5], 9), rand([6, 7], 10)]],
    ['batched matMul', (a, b) => tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, false, true).square().sum(), () => [rand([3, 4, 5], 11), rand([3, 6, 5], 12)]],
    ['dense layer', (x, w, b) => tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: b, activation: 'relu' }).square().sum(), () => [rand([8, 6], 13), rand([6, 5], 14), rand([5], 15)]],
    ['fused matMul, transposed', (a, b, c) => tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, transposeA: true, transposeB: true, bias: c, activation: 'elu' }).square().sum(), () => [rand([6, 8], 21), rand([5, 6], 22), rand([5], 23)]],
    ['tile (broadcast)', (x) => tf.tile(x, [4, 3, 1]).mul(tf.range(0, 60).reshape([4, 3, 5])).sum(), () => [rand([1, 1, 5], 16)]],
    ['tile (general)', (x) => tf.tile(x, [2, 3]).mul(tf.range(0, 24).reshape([4, 6])).sum(), () => [rand([2, 2], 17)]],
    // Its gradient tiles the per-channel statistics over batch and time.
    ['batch norm', (x, b, g) => tf.batchNorm(x, tf.moments(x, [0, 1]).mean, tf.moments(x, [0, 1]).variance, b, g).square().mul(x).sum(), () => [rand([4, 6, 3], 18), rand([3], 19), rand([3], 20)]],
  ];

  it.each(cases)('%s', async (_name, f, inputs) => {
    const onWasm = await valueAndGrads('wasm', f, inputs);
    const onCpu = await valueAndGrads('cpu', f, inputs);
    expect(maxRelativeDifference(onWasm, onCpu)).toBeLessThan(1e-4);
  });

  it('leave no tensors or backend buffers behind', async () => {
    await selectBackend('wasm');
    const tensors = tf.memory().numTensors;
    // The replacement kernels' intermediates are invisible to the engine: count the backend's buffers too.
    const buffers = tf.engine().backend.numDataIds();
    for (const [, f, inputs] of cases) tf.tidy(() => {
      tf.grads(f)(inputs());
    });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.engine().backend.numDataIds()).toBe(buffers);
  });

  it('a Conv1D model trains on wasm (stock tfjs-backend-wasm lacks Conv2DBackpropFilter)', async () => {
    await selectBackend('wasm');
    const model = tf.sequential({
      layers: [tf.layers.conv1d({ inputShape: [12, 4], filters: 3, kernelSize: 3, padding: 'same' }), tf.layers.flatten(), tf.layers.dense({ units: 2, activation: 'softmax' })],
    });
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const before = model.getWeights()[0]?.dataSync().slice();
    await model.fit(tf.randomNormal([8, 12, 4]), tf.oneHot(tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1], 'int32'), 2), { epochs: 1, verbose: 0 });
    expect(model.getWeights()[0]?.dataSync()).not.toEqual(before);
    model.dispose();
  });
});
