// Images as the engine returns them (the protocol's RgbImage: raw RGB in base64), made and read in
// Node: the engine, the extension and the CLI. Panels draw the pixels; only files are PNGs.
import type { RgbImage } from '../../protocol';
import { encodeRgbPng } from './png';

export function toRgbImage(rgb: Uint8Array, width: number, height: number): RgbImage {
  checkSize(rgb.length, width, height);
  return { width, height, rgbBase64: Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength).toString('base64') };
}

export function rgbPixels(image: RgbImage): Uint8Array {
  const bytes = Buffer.from(image.rgbBase64, 'base64');
  checkSize(bytes.length, image.width, image.height);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** The image as a PNG file, with each text entry as a tEXt chunk. */
export function rgbImagePng(image: RgbImage, text: Record<string, string> = {}): Uint8Array {
  return encodeRgbPng(rgbPixels(image), image.width, image.height, text);
}

function checkSize(bytes: number, width: number, height: number): void {
  if (bytes !== width * height * 3) throw new RangeError(`An RGB image of ${width}x${height} has ${width * height * 3} bytes; this one has ${bytes}.`);
}
