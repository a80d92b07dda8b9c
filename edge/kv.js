// The KV bridge. Hot reads carry cacheTtl, which Workers KV honours at the edge; the same
// wish is honoured inside the isolate with a small cache, dropped on every write this
// isolate makes, so a reader never sees data older than the core agreed to accept.

const MAX_CACHED = 2000;

export class KvBridge {
  #store;
  #cache = new Map();

  constructor(store) {
    this.#store = store;
  }

  async get(key, cacheTtl) {
    if (cacheTtl) {
      const hit = this.#cache.get(key);
      if (hit && hit.expires > Date.now()) return hit.value;
    }
    const value = await this.#store.get(key, cacheTtl ? { cacheTtl } : undefined);
    if (cacheTtl) {
      if (this.#cache.size >= MAX_CACHED) this.#cache.delete(this.#cache.keys().next().value);
      this.#cache.set(key, { value, expires: Date.now() + cacheTtl * 1000 });
    }
    return value;
  }

  async put(key, value, metadata, expirationTtl) {
    this.#cache.delete(key);
    const options = {};
    if (metadata !== undefined) options.metadata = metadata;
    if (expirationTtl !== undefined) options.expirationTtl = expirationTtl;
    await this.#store.put(key, value, options);
    this.#cache.delete(key);
  }

  async delete(key) {
    this.#cache.delete(key);
    await this.#store.delete(key);
    this.#cache.delete(key);
  }

  async list(prefix, limit, cursor) {
    const page = await this.#store.list({ prefix, limit, cursor });
    return {
      keys: page.keys.map((key) => ({ name: key.name, metadata: key.metadata ?? null })),
      complete: page.list_complete,
      cursor: page.list_complete ? '' : page.cursor,
    };
  }
}
