// PNG encoding with text metadata (tEXt chunks), for the files GenAI Studio writes (Image Studio's
// Save and the CLI store the generation parameters in them). fast-png does the format; it is loaded
// on first use, not when the extension activates.
type FastPng = typeof import('fast-png');
let fastPng: FastPng | undefined;
const png = (): FastPng => (fastPng ??= require('fast-png') as FastPng);

/** tEXt holds Latin-1 only: other characters are written as \u{XXXX} so nothing is lost or rejected. */
export function toLatin1(text: string): string {
  return text.replace(/\\u\{|[^\x00-\xff]/gu, (c) => (c === '\\u{' ? '\\u{5c}u{' : `\\u{${c.codePointAt(0)!.toString(16)}}`));
}

export function fromLatin1(text: string): string {
  return text.replace(/\\u\{([0-9a-f]+)\}/g, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)));
}

/** Encodes 8-bit RGB (3 bytes per pixel, row-major) as a PNG, with each text entry as a tEXt chunk. */
export function encodeRgbPng(rgb: Uint8Array, width: number, height: number, text: Record<string, string> = {}): Uint8Array {
  if (rgb.length !== width * height * 3) throw new Error(`RGB data has ${rgb.length} bytes; a ${width}x${height} image needs ${width * height * 3}`);
  const latin1 = Object.fromEntries(Object.entries(text).map(([key, value]) => [key, toLatin1(value)]));
  return png().encode({ width, height, data: rgb, channels: 3, depth: 8, text: latin1 });
}

export interface DecodedRgbPng {
  width: number;
  height: number;
  /** 3 bytes per pixel (alpha, if any, is dropped). */
  rgb: Uint8Array;
  text: Record<string, string>;
}

export function decodeRgbPng(bytes: Uint8Array): DecodedRgbPng {
  const image = png().decode(bytes);
  if (image.depth !== 8 || image.palette) throw new Error(`Only 8-bit RGB(A) or grey PNGs are supported (this one has depth ${image.depth}${image.palette ? ', a palette' : ''})`);
  const pixels = image.width * image.height;
  const rgb = new Uint8Array(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = image.data[i * image.channels + (image.channels >= 3 ? c : 0)];
  }
  const text = Object.fromEntries(Object.entries(image.text).map(([key, value]) => [key, fromLatin1(value)]));
  return { width: image.width, height: image.height, rgb, text };
}
