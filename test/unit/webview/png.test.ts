import * as assert from 'node:assert/strict';
import { decodeRgbPng, encodeRgbPng } from '../../../src/core/image/png';
import { rgbImagePng, rgbPixels, toRgbImage } from '../../../src/core/image/rgbImage';

describe('PNG with text metadata', () => {
  const rgb = Uint8Array.from({ length: 4 * 3 * 3 }, (_, i) => (i * 37) % 256);

  it('round-trips pixels and tEXt entries, including text outside Latin-1', () => {
    const text = { prompt: 'a red circle, 猫 and é', seed: '4294967295', odd: 'a literal \\u{41} stays' };
    const png = encodeRgbPng(rgb, 4, 3, text);
    assert.deepEqual([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
    const decoded = decodeRgbPng(png);
    assert.equal(decoded.width, 4);
    assert.equal(decoded.height, 3);
    assert.deepEqual(decoded.rgb, rgb);
    assert.deepEqual(decoded.text, text);
  });

  it('writes an engine image (raw RGB in base64) as a PNG with its text', () => {
    const image = toRgbImage(rgb, 4, 3);
    assert.deepEqual(rgbPixels(image), rgb);
    assert.deepEqual(decodeRgbPng(rgbImagePng(image, { seed: '7' })), { width: 4, height: 3, rgb, text: { seed: '7' } });
  });

  it('refuses an engine image whose pixels do not match its size', () => {
    assert.throws(() => toRgbImage(rgb, 5, 3), /5x3 has 45 bytes; this one has 36/);
    assert.throws(() => rgbImagePng({ width: 4, height: 4, rgbBase64: toRgbImage(rgb, 4, 3).rgbBase64 }), /4x4 has 48 bytes; this one has 36/);
  });

  it('refuses pixel data that does not match the size', () => {
    assert.throws(() => encodeRgbPng(rgb, 5, 3), /36 bytes; a 5x3 image needs 45/);
  });
});
