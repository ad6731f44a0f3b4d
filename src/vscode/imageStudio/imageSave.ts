// "Save" in the Image Studio: the PNG goes where the user chooses (the workspace folder by default),
// with its generation parameters as PNG text, so the image says how to make it again.
import * as vscode from 'vscode';
import { rgbImagePng } from '../../core/image/rgbImage';
import { pngMetadata, type GalleryImage } from '../../core/imageStudio/messages';

/** What the panel is told once the dialog closes: undefined when the user closed it without saving. */
export type SaveOutcome = { type: 'notice' | 'error'; message: string } | undefined;

export async function saveImage(image: GalleryImage, log: vscode.LogOutputChannel): Promise<SaveOutcome> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const target = await vscode.window.showSaveDialog({
    title: 'Save Image',
    defaultUri: folder ? vscode.Uri.joinPath(folder, imageFileName(image)) : undefined,
    filters: { 'PNG image': ['png'] },
    saveLabel: 'Save PNG',
  });
  if (!target) return undefined;
  try {
    await vscode.workspace.fs.writeFile(target, rgbImagePng(image, pngMetadata(image.params)));
    log.info(`Image Studio: saved ${target.toString(true)}`);
    return { type: 'notice', message: `Saved ${vscode.workspace.asRelativePath(target)}` };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { type: 'error', message: `Could not save ${target.toString(true)}: ${message}. Choose another folder.` };
  }
}

/** The prompt's first words and the seed: `a-red-circle-42.png`. */
function imageFileName(image: GalleryImage): string {
  const slug = image.params.prompt.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'image';
  return `${slug}-${image.params.seed}.png`;
}
