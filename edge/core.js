// The core's wasm instance: created once per isolate, re-created after a trap.
// Strings cross as UTF-8 through linear memory, never through the C stack.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class Core {
  #module;
  #instance = null;
  #env;

  /** @param {WebAssembly.Module} module  @param {Record<string,string>} env */
  constructor(module, env) {
    this.#module = module;
    this.#env = env;
  }

  /** The configuration result of the current instance ({ok, error, requestHeaders}). */
  configuration = null;

  /** The request headers the core reads (lower case): the only ones to hand it. */
  get requestHeaders() {
    this.#ensure();
    return this.configuration.requestHeaders;
  }

  // One input buffer in linear memory, kept across calls and grown when a message needs more.
  #input = 0;
  #inputCapacity = 0;

  #ensure() {
    if (this.#instance) return this.#instance.exports;
    this.#input = 0;
    this.#inputCapacity = 0;
    const instance = new WebAssembly.Instance(this.#module, {
      env: { emscripten_notify_memory_growth() {} },
      wasi_snapshot_preview1: {
        proc_exit(code) {
          throw new WebAssembly.RuntimeError(`core exited with code ${code}`);
        },
      },
    });
    instance.exports._initialize();
    this.#instance = instance;
    this.configuration = this.#call('pl_configure', JSON.stringify(this.#env));
    return instance.exports;
  }

  #call(name, text) {
    const exports = this.#instance.exports;
    // UTF-8 takes at most 3 bytes per UTF-16 unit: encode straight into linear memory.
    const capacity = text.length * 3;
    if (capacity > this.#inputCapacity) {
      if (this.#input) exports.pl_free(this.#input);
      this.#inputCapacity = Math.max(capacity, 16 * 1024);
      this.#input = exports.pl_alloc(this.#inputCapacity);
    }
    const { written } = encoder.encodeInto(text, new Uint8Array(exports.memory.buffer, this.#input, capacity));
    const output = exports[name](this.#input, written);
    const length = exports.pl_output_len();
    // Copy out before the next call reuses the output buffer.
    return JSON.parse(decoder.decode(new Uint8Array(exports.memory.buffer, output, length)));
  }

  /** Calls an entry point; after a trap the instance is dropped and the error rethrown. */
  call(name, message) {
    this.#ensure();
    try {
      return this.#call(name, JSON.stringify(message));
    } catch (error) {
      this.#instance = null;
      throw error;
    }
  }

  start(message) {
    return this.call('pl_start', message);
  }

  resume(message) {
    return this.call('pl_resume', message);
  }

  tool(message) {
    return this.call('pl_tool', message);
  }
}

/** The worker's string vars and secrets: what the core is configured from. */
export function stringVars(env) {
  const vars = {};
  for (const [name, value] of Object.entries(env)) {
    if (typeof value === 'string') vars[name] = value;
  }
  return vars;
}
