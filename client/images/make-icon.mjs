// Draws client/images/icon.png (128×128): feature maps shrinking left to right, as CNN papers
// draw them. Run `node client/images/make-icon.mjs`; the PNG is committed.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const N = 128;
const px = new Uint8Array(N * N * 4);
const put = (x, y, [r, g, b, a]) => {
  const i = (y * N + x) * 4;
  const s = a / 255;
  px[i] = Math.round(r * s + px[i] * (1 - s));
  px[i + 1] = Math.round(g * s + px[i + 1] * (1 - s));
  px[i + 2] = Math.round(b * s + px[i + 2] * (1 - s));
  px[i + 3] = Math.max(px[i + 3], a);
};
// Background: a rounded square.
const R = 22;
for (let y = 0; y < N; y++)
  for (let x = 0; x < N; x++) {
    const dx = Math.max(R - x, x - (N - 1 - R), 0);
    const dy = Math.max(R - y, y - (N - 1 - R), 0);
    if (dx * dx + dy * dy <= R * R) put(x, y, [30, 38, 56, 255]);
  }
// A map: a parallelogram (front face plus a slanted top) with an outline.
const map = (x0, y0, w, h, depth, fill, edge) => {
  for (let y = 0; y < h + depth; y++)
    for (let x = 0; x < w + depth; x++) {
      const yy = y0 + y - depth;
      const xx = x0 + x;
      // the front face, the slanted top face and the slanted side face
      const inFront = x < w && y >= depth;
      const inTop = y < depth && x >= depth - y && x < w + depth - y;
      const inSide = x >= w && x < w + depth && y >= depth - (x - w) && y < h + depth - (x - w);
      if (!(inFront || inTop || inSide)) continue;
      const border = inFront && (x === 0 || x === w - 1 || y === depth || y === h + depth - 1);
      const color = border ? edge : inFront ? fill : inTop ? edge.map((c, i) => (i < 3 ? Math.round(c * 0.8) : 255)) : edge.map((c, i) => (i < 3 ? Math.round(c * 0.6) : 255));
      if (xx >= 0 && xx < N && yy >= 0 && yy < N) put(xx, yy, color);
    }
};
map(14, 40, 40, 62, 16, [64, 140, 220, 255], [140, 200, 255, 255]);
map(60, 54, 26, 40, 12, [70, 180, 150, 255], [150, 235, 200, 255]);
map(94, 66, 12, 24, 8, [230, 170, 60, 255], [255, 215, 130, 255]);

// PNG encoding.
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
};
const header = Buffer.alloc(13);
header.writeUInt32BE(N, 0);
header.writeUInt32BE(N, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
const raw = Buffer.alloc(N * (N * 4 + 1));
for (let y = 0; y < N; y++) {
  raw[y * (N * 4 + 1)] = 0;
  Buffer.from(px.buffer, y * N * 4, N * 4).copy(raw, y * (N * 4 + 1) + 1);
}
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
writeFileSync(new URL('./icon.png', import.meta.url), png);
