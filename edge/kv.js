// The KV bridge. Hot reads carry cacheTtl, which Workers KV honours at the edge; the core
// keeps its own copy of such reads inside the isolate (core/engine/read_cache.hpp), so
// nothing is cached here.

export class KvBridge {
  #store;

  constructor(store) {
    this.#store = store;
  }

  get(key, cacheTtl) {
    return this.#store.get(key, cacheTtl ? { cacheTtl } : undefined);
  }

  put(key, value, metadata, expirationTtl) {
    const options = {};
    if (metadata !== undefined) options.metadata = metadata;
    if (expirationTtl !== undefined) options.expirationTtl = expirationTtl;
    return this.#store.put(key, value, options);
  }

  delete(key) {
    return this.#store.delete(key);
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
