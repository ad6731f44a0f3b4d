import * as assert from 'node:assert/strict';
import { Gallery } from '../../../src/core/imageStudio/gallery';
import type { GalleryImage } from '../../../src/core/imageStudio/messages';
import type { ResolvedImageParams } from '../../../src/protocol';

/** An image whose pixels take `chars` base64 characters. */
function image(id: string, chars: number): GalleryImage {
  const params = { prompt: id } as ResolvedImageParams;
  return { id, width: 1, height: 1, rgbBase64: 'A'.repeat(chars), params, device: 'cpu', totalMs: 1 };
}

describe('Image Studio gallery', () => {
  it('keeps every image while within its budget, oldest first', () => {
    const gallery = new Gallery(100);
    assert.deepEqual(gallery.add([image(gallery.nextId(), 40), image(gallery.nextId(), 40)]), []);
    assert.deepEqual(gallery.list().map((i) => i.id), ['image-1', 'image-2']);
    assert.equal(gallery.get('image-2')?.params.prompt, 'image-2');
  });

  it('drops the oldest images to stay within its budget, never the ones just added', () => {
    const gallery = new Gallery(100);
    gallery.add([image(gallery.nextId(), 40), image(gallery.nextId(), 40)]);
    assert.deepEqual(gallery.add([image(gallery.nextId(), 40)]), ['image-1']);
    assert.equal(gallery.get('image-1'), undefined);
    // A batch larger than the whole budget stays; everything older goes.
    assert.deepEqual(gallery.add([image(gallery.nextId(), 80), image(gallery.nextId(), 80)]), ['image-2', 'image-3']);
    assert.deepEqual(gallery.list().map((i) => i.id), ['image-4', 'image-5']);
  });

  it('never reuses an id, so a dropped image cannot be mistaken for a new one', () => {
    const gallery = new Gallery(50);
    const ids = new Set<string>();
    for (let n = 0; n < 10; n++) {
      const id = gallery.nextId();
      ids.add(id);
      gallery.add([image(id, 40)]);
    }
    assert.equal(ids.size, 10);
    assert.deepEqual(gallery.list().map((i) => i.id), ['image-10']);
  });
});
