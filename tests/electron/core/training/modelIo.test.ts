/** model.json + weights.bin: exact round trips for every architecture, the tfjs format, and clear errors. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend, tf } from '../../../../electron/core/training/backend';
import { loadModelFiles, serializeModel, writeModelFiles } from '../../../../electron/core/training/modelIo';
import { buildModel, compileForTraining, isClassical, MODEL_REGISTRY, modelSpecFromConfig, type ModelName } from '../../../../models/registry';
import { DEFAULT_CONFIG } from '../../../../shared/config';

let root: string;

beforeAll(async () => {
  await selectBackend();
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'es-modelio-'));
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

function shapeFor(name: ModelName): number[] {
  return MODEL_REGISTRY[name].input === 'stats' ? [402] : [130, 104];
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
}

/** A small trained model, so batch-norm statistics and weights are no longer at their initial values. */
async function trainedModel(name: ModelName): Promise<tf.LayersModel> {
  const definition = MODEL_REGISTRY[name];
  if (isClassical(definition)) {
    // Fitted on 48 random rows: 8 per class.
    const dims = shapeFor(name)[0] as number;
    const x = tf.tidy(() => tf.randomNormal([48, dims], 0, 1, 'float32', 1).dataSync() as Float32Array);
    return definition.fit({ x, labels: Int32Array.from({ length: 48 }, (_, i) => i % 6), dims }, { nClasses: 6, config: DEFAULT_CONFIG.model, balanced: true, seed: 1 });
  }
  const model = buildModel(name, modelSpecFromConfig(DEFAULT_CONFIG, shapeFor(name), 6));
  compileForTraining(model, 1e-3);
  const x = tf.randomNormal([16, ...shapeFor(name)], 0, 1, 'float32', 1);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: 16 }, (_, i) => i % 6), 'int32'), 6);
  await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
  tf.dispose([x, y]);
  return model;
}

describe.each(Object.keys(MODEL_REGISTRY) as ModelName[])('%s', (name) => {
  it('write → load reproduces predictions exactly', async () => {
    const model = await trainedModel(name);
    model.setUserDefinedMetadata({ labels: ['neutral', 'calm', 'happy', 'sad', 'angry', 'fearful'], seed: 42 });
    const dir = path.join(root, name);
    const written = await writeModelFiles(dir, model);
    expect(written).toEqual({ modelJsonPath: path.join(dir, 'model.json'), weightsPath: path.join(dir, 'weights.bin'), weightBytes: 4 * model.countParams() });
    expect((await fs.readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);

    const loaded = await loadModelFiles(dir);
    const x = tf.randomNormal([7, ...shapeFor(name)], 0, 1, 'float32', 2);
    const [before, after] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    expect(after.shape).toEqual([7, 6]);
    expect(maxAbsDiff(before, after)).toBe(0);
    expect(loaded.getUserDefinedMetadata()).toEqual({ labels: ['neutral', 'calm', 'happy', 'sad', 'angry', 'fearful'], seed: 42 });
    expect(loaded.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    tf.dispose([x, before, after]);
    model.dispose();
    loaded.dispose();
  });
});

describe('the files are the TensorFlow.js layers format', () => {
  it('model.json carries the topology and a manifest pointing at weights.bin', async () => {
    const model = await trainedModel('advanced_dnn');
    const { modelJson, weights } = await serializeModel(model);
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.generatedBy).toMatch(/^TensorFlow\.js tfjs-layers v4\./);
    expect(modelJson.weightsManifest).toHaveLength(1);
    expect(modelJson.weightsManifest[0]?.paths).toEqual(['weights.bin']);
    const specs = modelJson.weightsManifest[0]?.weights ?? [];
    // The default is a 5-tower ensemble: tower t's layers carry the prefix t<t>_.
    expect(specs.map((s) => s.name)).toEqual(expect.arrayContaining(['dense_t1_1/kernel', 'dense_t5_1/kernel']));
    expect(specs.every((s) => s.dtype === 'float32')).toBe(true);
    expect(weights.byteLength).toBe(4 * specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0));
    // No optimizer state: the folder is for inference and inspection.
    expect(specs.some((s) => s.name.includes('/m') && s.name.startsWith('Adam'))).toBe(false);
    model.dispose();
  });

  it("tfjs's own HTTP loader (the browser path) reads the folder", async () => {
    const model = await trainedModel('cnn');
    const dir = path.join(root, 'served');
    await writeModelFiles(dir, model);
    // Serve the folder at http://models.test/served/ from disk: tfjs resolves weights.bin next to model.json.
    const fetchFunc = async (url: URL | RequestInfo): Promise<Response> => {
      const file = path.join(root, new URL(String(url)).pathname);
      return new Response(await fs.readFile(file), { status: 200 });
    };
    const loaded = await tf.loadLayersModel('http://models.test/served/model.json', { fetchFunc });
    const x = tf.randomNormal([3, 130, 104], 0, 1, 'float32', 4);
    const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    expect(maxAbsDiff(a, b)).toBe(0);
    tf.dispose([x, a, b]);
    model.dispose();
    loaded.dispose();
  });
});

describe('loading reports what is wrong and where', () => {
  let good: string;

  beforeAll(async () => {
    good = path.join(root, 'good');
    const model = buildModel('advanced_dnn', modelSpecFromConfig(DEFAULT_CONFIG, [402], 6));
    await writeModelFiles(good, model);
    model.dispose();
  });

  async function copyOfGood(name: string): Promise<string> {
    const dir = path.join(root, name);
    await fs.cp(good, dir, { recursive: true });
    return dir;
  }

  it('a missing folder', async () => {
    const dir = path.join(root, 'nowhere');
    await expect(loadModelFiles(dir)).rejects.toThrow(`Cannot load the model in ${dir}: the folder does not exist`);
  });

  it('a missing model.json', async () => {
    const dir = await copyOfGood('no-json');
    await fs.rm(path.join(dir, 'model.json'));
    await expect(loadModelFiles(dir)).rejects.toThrow(`${path.join(dir, 'model.json')} is missing`);
  });

  it('a missing weights.bin', async () => {
    const dir = await copyOfGood('no-weights');
    await fs.rm(path.join(dir, 'weights.bin'));
    await expect(loadModelFiles(dir)).rejects.toThrow(`${path.join(dir, 'weights.bin')} (listed in model.json's weightsManifest) is missing`);
  });

  it('a corrupt model.json', async () => {
    const dir = await copyOfGood('bad-json');
    const file = path.join(dir, 'model.json');
    const text = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, text.slice(0, text.length / 2));
    await expect(loadModelFiles(dir)).rejects.toThrow(new RegExp(`${escape(file)} is not valid JSON`));
  });

  it('a JSON file that is not a layers model', async () => {
    const dir = await copyOfGood('not-a-model');
    const file = path.join(dir, 'model.json');
    await fs.writeFile(file, JSON.stringify({ hello: 'world' }));
    await expect(loadModelFiles(dir)).rejects.toThrow(`${file} has no modelTopology`);
    await fs.writeFile(file, JSON.stringify({ modelTopology: {}, weightsManifest: 'weights.bin' }));
    await expect(loadModelFiles(dir)).rejects.toThrow(`${file} has no valid weightsManifest`);
  });

  it('a topology tfjs cannot build', async () => {
    const dir = await copyOfGood('bad-topology');
    const file = path.join(dir, 'model.json');
    const json = JSON.parse(await fs.readFile(file, 'utf8'));
    json.modelTopology.config.layers[1].class_name = 'NoSuchLayer';
    await fs.writeFile(file, JSON.stringify(json));
    await expect(loadModelFiles(dir)).rejects.toThrow(new RegExp(`${escape(file)} does not describe a loadable layers model .*NoSuchLayer`));
  });

  it('a truncated weights.bin', async () => {
    const dir = await copyOfGood('short-weights');
    const file = path.join(dir, 'weights.bin');
    const bytes = await fs.readFile(file);
    await fs.writeFile(file, bytes.subarray(0, bytes.length - 4));
    await expect(loadModelFiles(dir)).rejects.toThrow(`${file} is ${bytes.length - 4} bytes but ${path.join(dir, 'model.json')} describes ${bytes.length} bytes`);
  });

  it('a manifest pointing outside the folder', async () => {
    const dir = await copyOfGood('escape');
    const file = path.join(dir, 'model.json');
    const json = JSON.parse(await fs.readFile(file, 'utf8'));
    json.weightsManifest[0].paths = ['../good/weights.bin'];
    await fs.writeFile(file, JSON.stringify(json));
    await expect(loadModelFiles(dir)).rejects.toThrow(/lists weight file "\.\.\/good\/weights\.bin" outside the model folder/);
  });

  it('overwriting a saved model replaces both files and leaves no temporary files', async () => {
    const dir = await copyOfGood('overwrite');
    const model = buildModel('advanced_dnn', modelSpecFromConfig(DEFAULT_CONFIG, [402], 3));
    await writeModelFiles(dir, model);
    expect((await fs.readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    const loaded = await loadModelFiles(dir);
    expect(loaded.outputs[0]?.shape).toEqual([null, 3]);
    model.dispose();
    loaded.dispose();
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
