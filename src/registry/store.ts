// In-memory state of the reference registry: registries → repositories → stored layers, uploads, images.
import { randomUUID } from 'node:crypto';

export interface StoredLayer {
  size: number;
  /** Set once a manifest references the blob; null until then. */
  mediaType: string | null;
}

export interface Upload {
  id: string;
  parts: Buffer[];
  received: number;
}

export interface Repository {
  name: string;
  registryId: string;
  createdAt: Date;
  layers: Map<string, StoredLayer>;
  uploads: Map<string, Upload>;
  images: Map<string, { manifest: string; mediaType: string; tags: Set<string> }>;
}

export class RegistryStore {
  private readonly registries = new Map<string, Map<string, Repository>>();

  constructor(readonly accountId: string) {}

  private registry(registryId: string): Map<string, Repository> {
    let r = this.registries.get(registryId);
    if (!r) this.registries.set(registryId, (r = new Map()));
    return r;
  }

  find(registryId: string, name: string): Repository | undefined {
    return this.registries.get(registryId)?.get(name);
  }

  create(registryId: string, name: string): Repository | undefined {
    const registry = this.registry(registryId);
    if (registry.has(name)) return undefined;
    const repo: Repository = { name, registryId, createdAt: new Date(), layers: new Map(), uploads: new Map(), images: new Map() };
    registry.set(name, repo);
    return repo;
  }

  delete(registryId: string, name: string): boolean {
    return this.registries.get(registryId)?.delete(name) ?? false;
  }

  list(registryId: string): Repository[] {
    return [...(this.registries.get(registryId)?.values() ?? [])];
  }

  startUpload(repo: Repository): Upload {
    const upload: Upload = { id: randomUUID(), parts: [], received: 0 };
    repo.uploads.set(upload.id, upload);
    return upload;
  }

  reset(): void {
    this.registries.clear();
  }
}
