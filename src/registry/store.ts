// In-memory state of the reference registry: registries → repositories → stored layers, uploads, images.
import { randomUUID } from 'node:crypto';
import type { Quirks } from './quirks.ts';

const basename = (name: string) => name.slice(name.lastIndexOf('/') + 1);

export interface StoredLayer {
  size: number;
  /** Set once a manifest references the blob; null until then. */
  mediaType: string | null;
}

export interface Upload {
  id: string;
  parts: Buffer[];
  received: number;
  /** The repository's layers as they were when the upload started (quirk uploadSnapshotsLayers). */
  snapshot?: Map<string, StoredLayer>;
  /** When the upload started or last received a part (for expiry). */
  touchedAt: number;
}

export interface Repository {
  name: string;
  registryId: string;
  createdAt: Date;
  layers: Map<string, StoredLayer>;
  uploads: Map<string, Upload>;
  images: Map<string, { manifest: string; mediaType: string; tags: Set<string> }>;
  /** The resource tags given at CreateRepository. */
  tags: Record<string, string>;
}

export class RegistryStore {
  private readonly registries = new Map<string, Map<string, Repository>>();
  /** Layers by digest across every repository: only a store keyed by digest alone reads it. */
  private readonly byDigest = new Map<string, StoredLayer>();
  /** Layers by registry and the last segment of a repository's name: only a store that files them so reads it. */
  private readonly layerFiles = new Map<string, Map<string, StoredLayer>>();
  /** Deleted repositories, by registry and name, as a soft delete keeps them: only a query that forgets the mark reads it. */
  private readonly softDeleted = new Map<string, Repository>();
  /** Layers of deleted repositories, by registry and name: only a store that forgets to delete them reads it. */
  private readonly orphans = new Map<string, Map<string, StoredLayer>>();
  /** Uploads in progress of deleted repositories, by registry and name: only a store that forgets to delete them reads it. */
  private readonly orphanedUploads = new Map<string, Map<string, Upload>>();
  /** Completed uploads not visible yet, and the check count at which they become so. */
  private readonly pending: { repo: Repository; digest: string; layer: StoredLayer; due: number }[] = [];
  /** Bytes of uploads in progress, across every repository: the only bytes the store holds (a completed layer keeps its size and media type). */
  heldBytes = 0;

  constructor(readonly accountId: string, private readonly quirks: Quirks = {}) {}

  private registry(registryId: string): Map<string, Repository> {
    let r = this.registries.get(registryId);
    if (!r) this.registries.set(registryId, (r = new Map()));
    return r;
  }

  find(registryId: string, name: string): Repository | undefined {
    const registry = this.registries.get(registryId);
    const exact = registry?.get(name);
    if (exact || !this.quirks.findByPrefix || !registry) return exact;
    for (const repo of registry.values()) if (repo.name.startsWith(name)) return repo;
    return undefined;
  }

  create(registryId: string, name: string): Repository | undefined {
    const registry = this.registry(registryId);
    if (registry.has(name)) return undefined;
    const key = this.quirks.nameColumnLength !== undefined ? name.slice(0, this.quirks.nameColumnLength) : name;
    const filed = this.layerFile(registryId, key);
    const layers = (filed !== undefined ? this.layerFiles.get(filed) : undefined) ?? new Map<string, StoredLayer>();
    if (filed !== undefined) this.layerFiles.set(filed, layers);
    const repo: Repository = { name: key, registryId, createdAt: new Date(), layers, uploads: this.orphanedUploads.get(`${registryId}/${key}`) ?? new Map(), images: new Map(), tags: {} };
    this.orphanedUploads.delete(`${registryId}/${key}`);
    const orphaned = this.orphans.get(`${registryId}/${key}`);
    if (orphaned) for (const [d, l] of orphaned) repo.layers.set(d, l);
    registry.set(key, repo);
    return repo;
  }

  delete(registryId: string, name: string): boolean {
    const repo = this.find(registryId, name);
    if (repo && this.quirks.deleteKeepsUploads) this.orphanedUploads.set(`${registryId}/${name}`, repo.uploads);
    else if (repo) for (const id of [...repo.uploads.keys()]) this.endUpload(repo, id);
    if (repo && this.quirks.deleteKeepsLayers) this.orphans.set(`${registryId}/${name}`, repo.layers);
    if (repo && this.quirks.softDeleteVisible) this.softDeleted.set(`${registryId}/${name}`, repo);
    // One copy of each blob, linked per repository: the deleted repository's blobs go, and every other link to them dangles.
    if (repo && this.quirks.deleteDropsSharedBlobs) for (const other of this.list(registryId)) if (other !== repo) for (const d of repo.layers.keys()) other.layers.delete(d);
    const deleted = this.registries.get(registryId)?.delete(name) ?? false;
    // The file of layers goes with the last repository filed under it.
    const file = repo ? this.layerFile(registryId, repo.name) : undefined;
    if (file !== undefined && !this.list(registryId).some((r) => r.layers === repo!.layers)) this.layerFiles.delete(file);
    return deleted;
  }

  /** Where a repository's layers are filed when they are not its own: under its name's last segment, or its name with '/' flattened to '_'. */
  private layerFile(registryId: string, name: string): string | undefined {
    if (this.quirks.layersByBasename) return `${registryId}/${basename(name)}`;
    if (this.quirks.layersByFlatName) return `${registryId}/${name.replaceAll('/', '_')}`;
    return undefined;
  }

  /** A deleted repository, as a soft delete keeps it (only with the softDeleteVisible quirk). */
  findDeleted(registryId: string, name: string): Repository | undefined {
    return this.softDeleted.get(`${registryId}/${name}`);
  }

  list(registryId: string): Repository[] {
    return [...(this.registries.get(registryId)?.values() ?? [])];
  }

  private key(digest: string): string {
    if (this.quirks.layerKey === 'hex-only') return digest.slice(digest.indexOf(':') + 1);
    return this.quirks.layerKey === 'lower-case' ? digest.toLowerCase() : digest;
  }

  /** Stores a completed layer (visible at once, unless the store is slow to show writes). */
  putLayer(repo: Repository, digest: string, layer: StoredLayer, checksSoFar: number): void {
    if (this.quirks.visibleAfterChecks) {
      this.pending.push({ repo, digest, layer, due: checksSoFar + this.quirks.visibleAfterChecks });
      return;
    }
    this.commit(repo, digest, layer);
  }

  private commit(repo: Repository, digest: string, layer: StoredLayer): void {
    repo.layers.set(this.key(digest), layer);
    if (this.quirks.layerKey === 'digest-only') this.byDigest.set(digest, layer);
  }

  /** Makes due writes visible; called before each check. */
  settle(checksSoFar: number): void {
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const p = this.pending[i]!;
      if (p.due <= checksSoFar) {
        this.commit(p.repo, p.digest, p.layer);
        this.pending.splice(i, 1);
      }
    }
  }

  getLayer(repo: Repository, digest: string): StoredLayer | undefined {
    if (this.quirks.layerKey === 'digest-only') return repo.layers.get(digest) ?? this.byDigest.get(digest);
    return repo.layers.get(this.key(digest));
  }

  hasLayer(repo: Repository, digest: string): boolean {
    return this.getLayer(repo, digest) !== undefined;
  }

  startUpload(repo: Repository, now = Date.now()): Upload {
    const upload: Upload = { id: randomUUID(), parts: [], received: 0, touchedAt: now };
    repo.uploads.set(upload.id, upload);
    return upload;
  }

  /** Adds a part to an upload, counting its bytes. */
  appendPart(upload: Upload, part: Buffer, now = Date.now()): void {
    upload.parts.push(part);
    upload.received += part.length;
    upload.touchedAt = now;
    this.heldBytes += part.length;
  }

  /** Ends an upload (completed, abandoned or its repository deleted): its bytes are released. */
  endUpload(repo: Repository, uploadId: string): void {
    const upload = repo.uploads.get(uploadId);
    if (!upload) return;
    this.heldBytes -= upload.received;
    upload.parts = [];
    repo.uploads.delete(uploadId);
  }

  /** Drops uploads untouched since `before`: abandoned uploads do not hold memory forever. */
  expireUploads(before: number): number {
    let dropped = 0;
    for (const registry of this.registries.values()) {
      for (const repo of registry.values()) {
        for (const [id, upload] of repo.uploads) {
          if (upload.touchedAt < before) {
            this.endUpload(repo, id);
            dropped++;
          }
        }
      }
    }
    return dropped;
  }

  reset(): void {
    this.heldBytes = 0;
    this.registries.clear();
    this.byDigest.clear();
    this.orphans.clear();
    this.orphanedUploads.clear();
    this.pending.length = 0;
  }
}
