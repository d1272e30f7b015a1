import { assetUrl } from '../asset-urls';
import { AssetEntity } from '../entities/asset.entity';
import { AdminAsset } from './admin-asset.model';
import { AssetKind } from '../asset-kind.enum';

export function toAdminAsset(asset: AssetEntity, publicBase: string): AdminAsset {
  const original = asset.files.find((f) => f.file.startsWith('original.')) ?? asset.files[0];
  return {
    id: asset.id,
    kind: asset.kind === 'image' ? AssetKind.Image : AssetKind.Attachment,
    sha256: asset.sha256,
    contentType: asset.contentType,
    filename: asset.filename,
    byteSize: asset.byteSize,
    width: asset.width,
    height: asset.height,
    alt: asset.alt,
    url: assetUrl(publicBase, asset.sha256, original.file),
    markdownReference: asset.kind === 'image' ? `![${markdownText(asset.alt)}](asset:${asset.id})` : `[${markdownText(asset.filename)}](asset:${asset.id})`,
    files: asset.files.map((f) => ({ ...f, url: assetUrl(publicBase, asset.sha256, f.file) })),
    uploadedById: asset.uploadedById,
    createdAt: asset.createdAt,
  };
}

function markdownText(text: string): string {
  return text.replace(/[[\]\\]/g, '\\$&').replace(/\s+/g, ' ');
}
