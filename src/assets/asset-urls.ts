/** `GET /assets/<sha256>/<file>`: the only shape of public asset path (anything else is 404). */
export const ASSET_HASH = /^[0-9a-f]{64}$/;
export const ASSET_FILE = /^(?:original\.(?:jpg|png|gif|webp|avif|pdf|zip|txt)|w[1-9][0-9]{0,4}\.webp)$/;

/** The public URL of one file of an asset, under ASSET_PUBLIC_URL (`/assets` by default). */
export function assetUrl(publicBase: string, sha256: string, file: string): string {
  return `${publicBase}/${sha256}/${file}`;
}
