// Checks the worker's answers against docs/openapi.yaml: every JSON body of a documented
// route and status must match the schema the document gives it, and every status a route
// answers must be documented. The worker test helpers (worker.mjs, workers_kv.mjs) call
// checkResponse on each answer, so a drift between the API and its document fails the test
// that saw it. Validators are compiled once per (operation, status) and reused.
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const OPENAPI_YAML = fileURLToPath(new URL('../../docs/openapi.yaml', import.meta.url));
const DOC_ID = 'paylinks-openapi.json';

let state = null;

/** The document as the build embeds it (the same conversion as scripts/openapi/embed.mjs). */
export function loadDocument() {
  return parse(readFileSync(OPENAPI_YAML, 'utf8'), { schema: 'core', maxAliasCount: 100 });
}

function setUp() {
  if (state) return state;
  const document = loadDocument();
  // OpenAPI 3.1 schemas are JSON Schema 2020-12; the document's other members (paths,
  // responses, …) are unknown keywords to ajv, hence strict off.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema(document, DOC_ID);
  // Literal paths before templated ones, so /api/v1/openapi.json is never read as an {id}.
  const routes = Object.keys(document.paths)
    .map((template) => ({
      template,
      literal: !template.includes('{'),
      pattern: new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`),
    }))
    .sort((a, b) => Number(b.literal) - Number(a.literal));
  state = { document, ajv, routes, validators: new Map() };
  // Every validator is compiled now, at import, so no test's first request pays for it
  // (some tests count requests within a minute's rate limit window).
  for (const [template, item] of Object.entries(document.paths)) {
    for (const [verb, operation] of Object.entries(item)) {
      for (const key of Object.keys(operation.responses ?? {})) {
        const ref = schemaRef(document, template, verb, key);
        if (ref) validator(ref);
      }
    }
  }
  validator(pointer('components', 'schemas', 'Error'));
  for (const [template, item] of Object.entries(document.paths))
    for (const [verb, operation] of Object.entries(item))
      if (operation.requestBody) validator(requestRef(document, template, verb));
  return state;
}

function requestRef(document, template, verb) {
  const schema = document.paths[template][verb].requestBody?.content?.['application/json']?.schema;
  if (!schema) return null;
  if (schema.$ref) return schema.$ref.replace(/^#\//, '');
  return pointer('paths', template, verb, 'requestBody', 'content', 'application/json', 'schema');
}

// Where the JSON schema of an operation's response lives in the document, as a pointer.
function schemaRef(document, template, verb, key) {
  const declared = document.paths[template][verb].responses[key];
  const response = resolve(document, declared);
  const schema = response?.content?.['application/json']?.schema;
  if (!schema) return null;
  if (schema.$ref) return schema.$ref.replace(/^#\//, '');
  if (declared.$ref) return `${declared.$ref.replace(/^#\//, '')}/${pointer('content', 'application/json', 'schema')}`;
  return pointer('paths', template, verb, 'responses', key, 'content', 'application/json', 'schema');
}

const pointer = (...parts) => parts.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

function validator(ref) {
  const { ajv, validators } = state;
  if (!validators.has(ref)) validators.set(ref, ajv.compile({ $ref: `${DOC_ID}#/${ref}` }));
  return validators.get(ref);
}

function resolve(document, object) {
  let value = object;
  while (value && value.$ref) {
    const path = value.$ref.replace(/^#\//, '').split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    value = path.reduce((node, key) => node?.[key], document);
  }
  return value;
}

/** The document's path template for a request path, or null. */
export function matchPath(path) {
  const { routes } = setUp();
  const bare = path.split('?')[0];
  return routes.find((route) => route.pattern.test(bare))?.template ?? null;
}

/**
 * Throws an Error naming the route, the status and ajv's errors when the answer does not
 * match the document. `headers` is a Headers object; `text` the body as received.
 */
export function checkResponse(method, path, status, headers, text) {
  const { document } = setUp();
  const verb = (method === 'HEAD' ? 'GET' : method).toLowerCase();
  const contentType = headers.get('content-type') ?? '';
  const isJson = contentType.startsWith('application/json');
  const template = matchPath(path);
  const operation = template ? document.paths[template][verb] : undefined;
  const where = `${method} ${path}${template ? ` (${verb.toUpperCase()} ${template})` : ''} → ${status}`;
  let body;
  if (isJson && text !== '' && method !== 'HEAD') {
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`OpenAPI: ${where} says application/json but its body is not JSON: ${text.slice(0, 200)}`);
    }
  }
  if (!operation) {
    // No such route or method: the core's 404 route_missing / 405 method_not_allowed (or an
    // HTML page for a non-API path). A JSON answer is the error object.
    if (body !== undefined) {
      const validate = validator(pointer('components', 'schemas', 'Error'));
      if (!validate(body)) throw mismatch(where, validate.errors, body);
    }
    return;
  }
  const responses = operation.responses ?? {};
  const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => k in responses);
  if (!key) throw new Error(`OpenAPI: ${where} is not documented (documented: ${Object.keys(responses).join(', ')})`);
  const response = resolve(document, responses[key]);
  if (body === undefined) return;
  const media = response.content?.['application/json'];
  if (!media?.schema) throw new Error(`OpenAPI: ${where} answered JSON, but the document gives that status no JSON body`);
  const validate = validator(schemaRef(document, template, verb, key));
  if (!validate(body)) throw mismatch(where, validate.errors, body);
}

function mismatch(where, errors, body) {
  const details = errors
    .slice(0, 8)
    .map((e) => `  ${e.instancePath || '/'} ${e.message}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''} (schema ${e.schemaPath})`)
    .join('\n');
  return new Error(`OpenAPI: ${where} does not match the document:\n${details}\nbody: ${JSON.stringify(body).slice(0, 600)}`);
}

/**
 * The other direction, for request bodies: a body the core accepted (2xx) must be one the
 * document's request schema accepts, or the document claims a constraint the API does not
 * have. (A refused body says nothing: refusals also come from state, such as a taken slug.)
 */
export function checkAcceptedRequest(method, path, status, bodyText) {
  if (status < 200 || status > 299 || typeof bodyText !== 'string' || bodyText.trim() === '') return;
  const { document } = state;
  const template = matchPath(path);
  const verb = method.toLowerCase();
  const ref = template && document.paths[template][verb] ? requestRef(document, template, verb) : null;
  if (!ref) return;
  let body;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return;
  }
  const validate = validator(ref);
  if (!validate(body)) {
    const where = `${method} ${path} (${verb.toUpperCase()} ${template}) → ${status}`;
    const error = mismatch(where, validate.errors, body);
    error.message = error.message.replace('does not match the document', 'was accepted, but its request body does not match the document');
    throw error;
  }
}

setUp();
