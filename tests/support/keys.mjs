// Where the worker keeps objects in KV (core/sessions/session_json.hpp, core/events/event.hpp):
// records under `<prefix>/` + the id's body with every Crockford digit d replaced by 31 − d,
// so that KV's ascending lists are newest first.
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function inverted(body) {
  return [...body].map((c) => (CROCKFORD.includes(c) ? CROCKFORD[31 - CROCKFORD.indexOf(c)] : c)).join('');
}

/** The KV key of a checkout session's record. */
export const sessionKey = (id) => `cs/${inverted(id.slice('cs_'.length))}`;
/** The KV key of an event. */
export const eventKey = (id) => `evt/${inverted(id.slice('evt_'.length))}`;
/** The id of a session or event from its key. */
export function idFromKey(key) {
  const [prefix, body] = key.split('/');
  return `${prefix === 'cs' ? 'cs_' : 'evt_'}${inverted(body)}`;
}
