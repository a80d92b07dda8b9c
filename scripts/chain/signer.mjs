// Sends transactions signed here with a private key (viem local account →
// eth_sendRawTransaction), the way a real network needs them: no unlocked accounts,
// no eth_sendTransaction. Checks funds first so a poor account fails with a clear
// message instead of a node's error text.
import { createPublicClient, createWalletClient, defineChain, formatEther, http } from 'viem';
import { accountOf } from './keys.mjs';
import { networkName } from './networks.mjs';
import { waitForReceipt } from './rpc.mjs';

/** A viem chain for whatever `chainId` the RPC reported, so signatures are bound to it (EIP-155). */
function chainFor(chainId, rpcUrl) {
  return defineChain({
    id: chainId,
    name: networkName(chainId),
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}

const isFundsError = (error) => /insufficient funds/i.test(`${error?.details ?? ''} ${error?.message ?? ''}`);

function insufficientFunds(label, address, balance, needed) {
  const need = needed == null ? '' : `, needs about ${formatEther(needed)} ETH for gas`;
  return new Error(`insufficient funds: ${label} ${address} holds ${formatEther(balance)} ETH${need}; fund it and re-run`);
}

/**
 * @param {{rpcUrl: string, chainId: number, privateKey: string, label?: string, pollMs?: number}} options
 *   label names the key in messages (e.g. "deployer").
 */
export function createSigner({ rpcUrl, chainId, privateKey, label = 'account', pollMs = 250 }) {
  const account = accountOf(privateKey);
  const chain = chainFor(chainId, rpcUrl);
  const transport = http(rpcUrl, { retryCount: 0, timeout: 30_000 });
  const publicClient = createPublicClient({ chain, transport });
  const wallet = createWalletClient({ account, chain, transport });

  async function priced(tx) {
    let gas;
    try {
      gas = await publicClient.estimateGas({ account, ...tx });
    } catch (error) {
      if (isFundsError(error)) throw insufficientFunds(label, account.address, await balance(), null);
      throw new Error(`the transaction to ${tx.to} would fail: ${error.shortMessage ?? error.message}`);
    }
    const fees = await publicClient.estimateFeesPerGas();
    return { gas, ...fees, cost: gas * fees.maxFeePerGas + (tx.value ?? 0n) };
  }

  const balance = () => publicClient.getBalance({ address: account.address });

  return {
    address: account.address,
    balance,
    nonce: () => publicClient.getTransactionCount({ address: account.address, blockTag: 'pending' }),

    /** Signs and sends {to, data[, value]}, waits for the receipt; throws if it reverted. */
    async send(tx) {
      const { gas, maxFeePerGas, maxPriorityFeePerGas, cost } = await priced(tx);
      const held = await balance();
      if (held < cost) throw insufficientFunds(label, account.address, held, cost);
      let hash;
      try {
        hash = await wallet.sendTransaction({ ...tx, gas, maxFeePerGas, maxPriorityFeePerGas });
      } catch (error) {
        if (isFundsError(error)) throw insufficientFunds(label, account.address, await balance(), cost);
        throw new Error(`sending to ${tx.to} failed: ${error.shortMessage ?? error.message}`);
      }
      const receipt = await waitForReceipt(rpcUrl, hash, { timeoutMs: 300_000, intervalMs: pollMs });
      if (receipt.status !== '0x1') throw new Error(`transaction ${hash} to ${tx.to} reverted`);
      return receipt;
    },
  };
}
