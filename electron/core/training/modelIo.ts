/**
 * Saving and loading trained models as a folder holding `model.json` + `weights.bin`: exactly the
 * TensorFlow.js layers format tfjs-node's `file://` handler writes, so `tf.loadLayersModel` reads the
 * folder in tfjs-node (`file://…/model.json`) and in the browser (`http(s)://…/model.json`).
 *
 * Works without tfjs-node: saving goes through `tf.io.withSaveHandler` and loading through
 * `tf.io.fromMemory`, with Node's fs doing the file work. Anything a model should carry with it
 * (labels, feature layout, standardisation statistics) goes in `model.setUserDefinedMetadata(…)`
 * before saving; it is written as model.json's `userDefinedMetadata` and restored on load.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
// Registers the custom layer a saved `svm` model is made of, so every process that loads models can read it.
import '../../../models/svm';
// …and the statistics-pooling layer of the sequence models (cnn, lstm).
import '../../../models/statsPooling';

export const MODEL_JSON_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

export interface SerializedModel {
  /** model.json's content; its `weightsManifest` points at `weights.bin`. */
  modelJson: tf.io.ModelJSON;
  /** weights.bin's content: every weight, float32 little-endian, in manifest order. */
  weights: Uint8Array;
}

export interface WrittenModelFiles {
  modelJsonPath: string;
  weightsPath: string;
  /** Size of weights.bin. */
  weightBytes: number;
}

export class ModelFileError extends Error {
  override name = 'ModelFileError';
}

/** The model as model.json content plus the weights.bin bytes (no optimizer state). */
export async function serializeModel(model: tf.LayersModel): Promise<SerializedModel> {
  if (!(model instanceof tf.LayersModel)) throw new TypeError('serializeModel: model must be a tf.LayersModel');
  let captured: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  const artifacts = captured as tf.io.ModelArtifacts | null;
  if (artifacts === null || artifacts.modelTopology == null || artifacts.weightSpecs == null) {
    throw new Error('serializeModel: tfjs produced no topology or weight specs');
  }
  // The same fields, in the same order, as tfjs-node's file handler writes.
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
  };
  if (artifacts.trainingConfig != null) modelJson.trainingConfig = artifacts.trainingConfig;
  if (artifacts.signature != null) modelJson.signature = artifacts.signature;
  if (artifacts.userDefinedMetadata != null) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
  const data = artifacts.weightData ?? new ArrayBuffer(0);
  const weights = new Uint8Array(Array.isArray(data) ? tf.io.CompositeArrayBuffer.join(data) : data.slice(0));
  return { modelJson, weights };
}

/**
 * Writes `dir/model.json` and `dir/weights.bin` (creating `dir`). Each file is written under a temporary
 * name and renamed, weights first, so a crash never leaves a model.json pointing at partial weights.
 */
export async function writeModelFiles(dir: string, model: tf.LayersModel): Promise<WrittenModelFiles> {
  if (typeof dir !== 'string' || dir === '') throw new TypeError('writeModelFiles: dir must be a non-empty path');
  const { modelJson, weights } = await serializeModel(model);
  await fs.mkdir(dir, { recursive: true });
  const weightsPath = path.join(dir, WEIGHTS_FILE);
  const modelJsonPath = path.join(dir, MODEL_JSON_FILE);
  await writeAtomically(weightsPath, weights);
  await writeAtomically(modelJsonPath, JSON.stringify(modelJson));
  return { modelJsonPath, weightsPath, weightBytes: weights.byteLength };
}

async function writeAtomically(file: string, content: Uint8Array | string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await fs.writeFile(temporary, content);
    await fs.rename(temporary, file);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw new ModelFileError(`Cannot write ${file}: ${(error as Error).message}`);
  }
}

/**
 * Loads the model in `dir` (model.json + the weight files its manifest lists, normally weights.bin).
 * Errors name the folder and the file at fault: missing, unreadable, not JSON, not a layers model,
 * or weights whose size does not match the manifest.
 */
export async function loadModelFiles(dir: string): Promise<tf.LayersModel> {
  if (typeof dir !== 'string' || dir === '') throw new TypeError('loadModelFiles: dir must be a non-empty path');
  const artifacts = await readModelArtifacts(dir);
  const modelJsonPath = path.join(dir, MODEL_JSON_FILE);
  try {
    return await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    throw new ModelFileError(`Cannot load the model in ${dir}: ${modelJsonPath} does not describe a loadable layers model (${(error as Error).message})`);
  }
}

/** model.json and its weights as tfjs ModelArtifacts, checked for consistency. */
export async function readModelArtifacts(dir: string): Promise<tf.io.ModelArtifacts> {
  const fail = (message: string): never => {
    throw new ModelFileError(`Cannot load the model in ${dir}: ${message}`);
  };
  const stat = await fs.stat(dir).catch(() => null);
  if (stat === null || !stat.isDirectory()) fail('the folder does not exist');

  const modelJsonPath = path.join(dir, MODEL_JSON_FILE);
  const text = await readFileOrFail(modelJsonPath, 'utf8', fail);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    fail(`${modelJsonPath} is not valid JSON (${(error as Error).message})`);
  }
  const modelJson = checkModelJson(parsed, modelJsonPath, fail);

  return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
    const specs: tf.io.WeightsManifestEntry[] = [];
    const parts: Uint8Array[] = [];
    for (const group of manifest) {
      let groupBytes = 0;
      const groupFiles: string[] = [];
      for (const relative of group.paths) {
        const file = resolveInside(dir, relative);
        if (file === null) fail(`${modelJsonPath} lists weight file ${JSON.stringify(relative)} outside the model folder`);
        const bytes = await readFileOrFail(file as string, null, fail, ` (listed in ${MODEL_JSON_FILE}'s weightsManifest)`);
        parts.push(bytes);
        groupBytes += bytes.byteLength;
        groupFiles.push(file as string);
      }
      const expected = expectedBytes(group.weights);
      if (expected !== null && expected !== groupBytes) {
        fail(
          `${groupFiles.join(' + ')} ${groupFiles.length === 1 ? 'is' : 'are'} ${groupBytes} bytes but ${modelJsonPath} describes ` +
            `${expected} bytes of weights: the files are truncated or do not belong together`,
        );
      }
      specs.push(...group.weights);
    }
    const joined = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
    let offset = 0;
    for (const part of parts) {
      joined.set(part, offset);
      offset += part.byteLength;
    }
    return [specs, joined.buffer];
  });
}

async function readFileOrFail(file: string, encoding: 'utf8', fail: (m: string) => never, note?: string): Promise<string>;
async function readFileOrFail(file: string, encoding: null, fail: (m: string) => never, note?: string): Promise<Uint8Array>;
async function readFileOrFail(file: string, encoding: 'utf8' | null, fail: (m: string) => never, note = ''): Promise<string | Uint8Array> {
  try {
    return encoding === null ? new Uint8Array(await fs.readFile(file)) : await fs.readFile(file, encoding);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? `${file}${note} is missing` : `${file}${note} cannot be read (${(error as Error).message})`);
  }
}

/** The checks tfjs would otherwise fail on with messages that do not name the file. */
function checkModelJson(value: unknown, file: string, fail: (m: string) => never): tf.io.ModelJSON {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(`${file} is not a JSON object`);
  const json = value as Record<string, unknown>;
  if (json.modelTopology === null || typeof json.modelTopology !== 'object') {
    fail(`${file} has no modelTopology: it is not a TensorFlow.js layers model`);
  }
  if (json.format !== undefined && json.format !== 'layers-model') {
    fail(`${file} has format ${JSON.stringify(json.format)}; only "layers-model" can be loaded here`);
  }
  const manifest = json.weightsManifest;
  const validGroup = (g: unknown): boolean => {
    const group = g as { paths?: unknown; weights?: unknown } | null;
    return (
      group !== null &&
      typeof group === 'object' &&
      Array.isArray(group.paths) &&
      group.paths.every((p) => typeof p === 'string' && p !== '') &&
      Array.isArray(group.weights) &&
      group.weights.every((w: unknown) => {
        const spec = w as { name?: unknown; shape?: unknown; dtype?: unknown } | null;
        return spec !== null && typeof spec === 'object' && typeof spec.name === 'string' && Array.isArray(spec.shape) && typeof spec.dtype === 'string';
      })
    );
  };
  if (!Array.isArray(manifest) || !manifest.every(validGroup)) {
    fail(`${file} has no valid weightsManifest (a list of { paths, weights } groups)`);
  }
  return json as unknown as tf.io.ModelJSON;
}

/** `relative` resolved inside `dir`, or null if it is absolute or climbs out of it. */
function resolveInside(dir: string, relative: string): string | null {
  if (path.isAbsolute(relative) || relative.includes('\\')) return null;
  const root = path.resolve(dir);
  const file = path.resolve(root, relative);
  return file.startsWith(root + path.sep) ? file : null;
}

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

/** Bytes the specs describe, or null when that cannot be known up front (string tensors). */
function expectedBytes(specs: tf.io.WeightsManifestEntry[]): number | null {
  let total = 0;
  for (const spec of specs) {
    const dtype = spec.quantization?.dtype ?? spec.dtype;
    const size = BYTES_PER_ELEMENT[dtype];
    if (size === undefined) return null;
    total += spec.shape.reduce((n, d) => n * d, 1) * size;
  }
  return total;
}
