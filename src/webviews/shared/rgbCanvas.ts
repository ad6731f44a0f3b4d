// Draws the engine's RGB pixels (the protocol's RgbImage) on canvases: results and previews are shown
// without a PNG round trip.
import type { RgbImage } from '../../protocol';

export function drawRgb(canvas: HTMLCanvasElement, image: RgbImage): void {
  const bytes = atob(image.rgbBase64);
  const pixels = image.width * image.height;
  if (bytes.length !== pixels * 3) throw new RangeError(`An RGB image of ${image.width}x${image.height} has ${pixels * 3} bytes; this one has ${bytes.length}.`);
  const rgba = new ImageData(image.width, image.height);
  for (let p = 0; p < pixels; p++) {
    rgba.data[4 * p] = bytes.charCodeAt(3 * p);
    rgba.data[4 * p + 1] = bytes.charCodeAt(3 * p + 1);
    rgba.data[4 * p + 2] = bytes.charCodeAt(3 * p + 2);
    rgba.data[4 * p + 3] = 255;
  }
  canvas.width = image.width;
  canvas.height = image.height;
  canvas.getContext('2d')!.putImageData(rgba, 0, 0);
}

/** A new canvas showing the image, labelled for screen readers as an image. */
export function rgbCanvas(image: RgbImage, label: string): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  canvas.className = 'pixelated';
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  drawRgb(canvas, image);
  return canvas;
}
