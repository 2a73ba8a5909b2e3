// Making digests AVAILABLE on a target the way a client pushes: the ECR layer-upload API, then
// (optionally) a manifest that references the blobs so they get their media types.
import { createHash } from 'node:crypto';
import {
  CompleteLayerUploadCommand,
  CreateRepositoryCommand,
  DeleteRepositoryCommand,
  type ECRClient,
  InitiateLayerUploadCommand,
  PutImageCommand,
  UploadLayerPartCommand,
} from '@aws-sdk/client-ecr';

export interface RepositoryRef {
  repositoryName: string;
  registryId?: string;
}

export const sha256Digest = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** Uploads one blob in parts of the size the target asks for; returns its digest. */
export async function uploadLayer(client: ECRClient, repo: RepositoryRef, bytes: Uint8Array): Promise<string> {
  const started = await client.send(new InitiateLayerUploadCommand(repo));
  const uploadId = started.uploadId!;
  const partSize = Math.max(1, started.partSize ?? bytes.length);
  for (let first = 0; first < bytes.length; first += partSize) {
    const part = bytes.subarray(first, Math.min(bytes.length, first + partSize));
    await client.send(new UploadLayerPartCommand({ ...repo, uploadId, partFirstByte: first, partLastByte: first + part.length - 1, layerPartBlob: part }));
  }
  const digest = sha256Digest(bytes);
  await client.send(new CompleteLayerUploadCommand({ ...repo, uploadId, layerDigests: [digest] }));
  return digest;
}

export interface ManifestBlob {
  digest: string;
  size: number;
  mediaType: string;
}

/** Puts an image manifest that references a config blob and layers, so each gets its media type. */
export async function putManifest(client: ECRClient, repo: RepositoryRef, config: ManifestBlob, layers: ManifestBlob[], tag?: string): Promise<string> {
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config,
    layers,
  });
  const out = await client.send(new PutImageCommand({ ...repo, imageManifest: manifest, ...(tag !== undefined ? { imageTag: tag } : {}) }));
  return out.image?.imageId?.imageDigest ?? '';
}

/** Creates a repository; returns the registry id the target put it in. */
export async function createRepository(client: ECRClient, repo: RepositoryRef): Promise<string | undefined> {
  const out = await client.send(new CreateRepositoryCommand(repo));
  return out.repository?.registryId;
}

export async function deleteRepository(client: ECRClient, repo: RepositoryRef): Promise<void> {
  await client.send(new DeleteRepositoryCommand({ ...repo, force: true }));
}
