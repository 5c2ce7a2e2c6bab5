// Usage: node run.js MODEL.json INPUT.npy OUT_DIR
// Runs the TF.js graph model with TensorFlow.js (CPU backend) on a float32 .npy input and writes every
// signature output as OUT_DIR/<name>.npy: an oracle independent of the Java runtime.
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');

function readNpy(file) {
  const buf = fs.readFileSync(file);
  const headerLen = buf.readUInt16LE(8);
  const header = buf.slice(10, 10 + headerLen).toString('latin1');
  if (!header.includes("'<f4'")) throw new Error(file + ': expected little-endian float32');
  const shape = header.match(/'shape': \(([^)]*)\)/)[1].split(',').map(s => s.trim()).filter(s => s).map(Number);
  const data = new Float32Array(buf.buffer.slice(buf.byteOffset + 10 + headerLen, buf.byteOffset + buf.length));
  return { shape, data };
}

function writeNpy(file, shape, data) {
  let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shape.join(', ') + (shape.length === 1 ? ',' : '') + "), }";
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const pre = Buffer.alloc(10);
  pre.write('\x93NUMPY', 0, 'latin1');
  pre[6] = 1; pre[7] = 0;
  pre.writeUInt16LE(header.length, 8);
  fs.writeFileSync(file, Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

async function main() {
  const [modelJson, inputNpy, outDir] = process.argv.slice(2);
  await tf.setBackend('cpu');
  const dir = path.dirname(modelJson);
  const model = JSON.parse(fs.readFileSync(modelJson, 'utf8'));
  const specs = [];
  const buffers = [];
  for (const group of model.weightsManifest) {
    for (const p of group.paths) buffers.push(fs.readFileSync(path.join(dir, p)));
    specs.push(...group.weights);
  }
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.length);
  const handler = tf.io.fromMemory({ modelTopology: model.modelTopology, weightSpecs: specs, weightData,
    format: model.format, generatedBy: model.generatedBy, convertedBy: model.convertedBy, signature: model.signature });
  const graph = await tf.loadGraphModel(handler);
  const input = readNpy(inputNpy);
  const names = Object.keys(model.signature.outputs).sort();
  const outs = graph.execute(tf.tensor(input.data, input.shape), names);
  fs.mkdirSync(outDir, { recursive: true });
  (Array.isArray(outs) ? outs : [outs]).forEach((t, i) => {
    const name = names[i].replace(/:0$/, '');
    writeNpy(path.join(outDir, name + '.npy'), t.shape, t.dataSync());
  });
}
main().catch(e => { console.error(e.stack || String(e)); process.exit(1); });
