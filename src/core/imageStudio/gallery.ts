// The Image Studio's gallery of this session: each image with what made it, within a memory budget.
// Images are raw RGB in base64 (4 characters for 3 bytes: a 1024x1024 image is 4 MB), so an evening of
// large images would otherwise grow the extension host without bound; the oldest go first.
import type { GalleryImage } from './messages';

/** Base64 characters of pixels the gallery keeps: 64 images of 1024x1024, some 87,000 of 32x32. */
export const GALLERY_BUDGET_CHARS = 256 * 1024 * 1024;

export class Gallery {
  private readonly images = new Map<string, GalleryImage>();
  private chars = 0;
  private added = 0;

  constructor(private readonly budgetChars = GALLERY_BUDGET_CHARS) {}

  /** An id no image of this session has had, dropped ones included. */
  nextId(): string {
    return `image-${++this.added}`;
  }

  /**
   * Adds the images (made with `nextId`) and drops the oldest others while the gallery is over its
   * budget; the ones just added always stay. Returns the ids dropped.
   */
  add(images: readonly GalleryImage[]): string[] {
    for (const image of images) {
      this.images.set(image.id, image);
      this.chars += image.rgbBase64.length;
    }
    const kept = new Set(images.map((image) => image.id));
    const dropped: string[] = [];
    for (const [id, image] of this.images) {
      if (this.chars <= this.budgetChars) break;
      if (kept.has(id)) continue;
      this.images.delete(id);
      this.chars -= image.rgbBase64.length;
      dropped.push(id);
    }
    return dropped;
  }

  get(id: string): GalleryImage | undefined {
    return this.images.get(id);
  }

  /** Oldest first. */
  list(): GalleryImage[] {
    return [...this.images.values()];
  }
}
