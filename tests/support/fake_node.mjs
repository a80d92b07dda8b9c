// A scripted JSON-RPC node for worker tests that need a chain but not a real one: it answers
// eth_chainId (31337), eth_blockNumber, eth_getBlockByNumber, an empty eth_getLogs, the
// token's decimals() and symbol(), and Chainlink-style price feeds (decimals() and
// latestRoundData()) whose rounds a test sets at will; for sweeps, transaction receipts,
// the token's balanceOf and the forwarder implementation's treasury(). Batches are answered
// in order.
import { createServer } from 'node:http';

const word = (value) => {
  let v = BigInt(value);
  if (v < 0n) v = (1n << 256n) + v; // int256: two's complement
  return v.toString(16).padStart(64, '0');
};
const quantity = (n) => '0x' + BigInt(n).toString(16);

/** ABI answer of latestRoundData(): (uint80, int256, uint256, uint256, uint80). */
export function roundDataAnswer({ roundId, answer, startedAt, updatedAt, answeredInRound = roundId }) {
  return '0x' + [roundId, answer, startedAt, updatedAt, answeredInRound].map(word).join('');
}

/**
 * @param {{token: string, tokenDecimals?: number, feeds?: Record<string, {decimals: number,
 *   roundId: bigint, answer: bigint, updatedAt: number, raw?: string}>}} options feeds by
 *   address (any case); change them in place between requests. `receipts` by transaction
 *   hash (lower case), `balances` by lower-case owner (base units), `treasury` an address.
 */
export async function startFakeNode({ token, tokenDecimals = 6, feeds = {}, receipts = {}, balances = {}, treasury = null }) {
  const head = { number: 1000 };
  const calls = [];
  const feedOf = (to) => Object.entries(feeds).find(([a]) => a.toLowerCase() === to?.toLowerCase())?.[1];

  function answer({ method, params = [] }) {
    calls.push({ method, params });
    switch (method) {
      case 'eth_chainId':
        return { result: '0x7a69' };
      case 'eth_blockNumber':
        return { result: quantity(head.number) };
      case 'eth_getLogs':
        return { result: [] };
      case 'eth_getTransactionReceipt':
        return { result: receipts[String(params[0]).toLowerCase()] ?? null };
      case 'eth_getBlockByNumber': {
        const n = params[0] === 'latest' ? head.number : params[0] === 'finalized' ? head.number - 64
          : params[0] === 'safe' ? head.number - 32 : Number(BigInt(params[0]));
        return { result: { number: quantity(n), hash: '0x' + word(n + 1), timestamp: quantity(Math.floor(Date.now() / 1000) - (head.number - n)) } };
      }
      case 'eth_call': {
        const { to, data } = params[0] ?? {};
        const feed = feedOf(to);
        if (feed && data === '0x313ce567') return { result: '0x' + word(feed.decimals) };
        if (feed && data === '0xfeaf968c') {
          return { result: feed.raw ?? roundDataAnswer({ ...feed, startedAt: feed.updatedAt }) };
        }
        if (treasury && data === '0x61d027b3') return { result: '0x' + word(BigInt(treasury)) };
        if (to?.toLowerCase() === token.toLowerCase() && data?.startsWith('0x70a08231')) {
          return { result: '0x' + word(balances['0x' + data.slice(34).toLowerCase()] ?? 0n) };
        }
        if (to?.toLowerCase() === token.toLowerCase() && data === '0x313ce567') return { result: '0x' + word(tokenDecimals) };
        if (to?.toLowerCase() === token.toLowerCase() && data === '0x95d89b41') {
          return { result: '0x' + word(32) + word(4) + Buffer.from('USDC').toString('hex').padEnd(64, '0') };
        }
        return { error: { code: 3, message: 'execution reverted' } };
      }
      default:
        return { error: { code: -32601, message: `method ${method} not found` } };
    }
  }

  const server = createServer(async (req, res) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    const body = JSON.parse(text);
    const one = (request) => ({ jsonrpc: '2.0', id: request.id, ...answer(request) });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(Array.isArray(body) ? body.map(one) : one(body)));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    head,
    calls,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
