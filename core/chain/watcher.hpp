#pragma once
// Finding payments: one session on demand (the page's polls, /verify) and every watched
// session on the cron tick (one KV list per 1000 sessions, and per chunk one eth_getLogs per
// block span the node accepts). Both feed the same state machine (sessions/payment_state.hpp).
//
// Theory of operation. Every check reads the logs of the blocks it has not read yet (from
// where the session's earlier checks stopped, less a reorg margin, and never before the
// head at the session's creation) up to the node's head, splitting ranges the node refuses
// and remembering the span it accepts. A new log counts only once the node reports a block
// with the log's hash at its height; the block's timestamp says whether it was on time. A
// known payment the logs no longer show is only dropped when its receipt proves it gone; a
// known payment in blocks no longer read is re-checked through the hash of the newest such
// block, until it is settled (kSettledDepth confirmations), so a reorg of any depth is seen.
//
// Several networks (config::Chain). All of the above happens per network, with that
// network's tokens, confirmations, cursor (Session::other_chains) and instance state
// (engine::ChainState), under a Context::ChainGuard. A check reads each network the session
// can be paid on in turn and fails only when none answers; the scan reads every network's
// logs for a chunk, then loads, reconciles (per network) and saves each session once, so
// two networks never write the same record from different loads.
#include "core/chain/rpc.hpp"
#include "core/engine/context.hpp"
#include "core/engine/task.hpp"
#include "core/sessions/session.hpp"

#include <optional>
#include <string>
#include <variant>

namespace paylinks::chain {

/// Re-checking the same session more often than this only repeats the same answer.
inline constexpr std::int64_t kCheckIntervalMs = 3000;
/// eth_chainId and the token's decimals are verified again after this long (per instance).
inline constexpr std::int64_t kChainRecheckMs = 10 * 60 * 1000;
/// How long past SESSION_TTL_SECONDS the scan still finds a session among the recent records
/// (cs/, newest first) rather than in the watch index: its expiry, written by the scan, puts
/// it there. The margin is for ticks that could not run (an RPC outage) meanwhile.
inline constexpr std::int64_t kRecentSlackMs = 6 * 60 * 60 * 1000;
/// Blocks read again below the last block read, for reorgs shallower than this.
inline constexpr std::uint64_t kReorgMarginBlocks = 12;
/// A payment with this many confirmations is no longer checked for reorgs.
inline constexpr std::uint64_t kSettledDepth = 64;
/// eth_getLogs calls one check of one session may make (a poll, a verify).
inline constexpr std::size_t kCheckLogCalls = 6;
/// eth_getLogs calls the cron tick may make per chunk of up to 1000 sessions.
inline constexpr std::size_t kScanLogCalls = 40;

struct CheckReport {
    bool changed = false;                  ///< the session was updated (and must be saved)
    std::optional<ReceiptVerdict> receipt; ///< with a transaction to verify
    std::size_t rpc_calls = 0;
};

/// Brings `session` up to date with the chain. A fault leaves it untouched.
/// With `transaction_hash`, the receipt is fetched in the same round trip and its matching
/// transfers count even if the node's log index lags behind.
[[nodiscard]] engine::Task<std::variant<CheckReport, Fault>>
check_session(engine::Context& ctx, sessions::Session& session,
              std::optional<std::string> transaction_hash, bool force);

/// Whether a check of this session that is not forced would ask the chain now, as far as
/// this instance knows (its last check is kCheckIntervalMs old or there was none).
[[nodiscard]] bool check_due(engine::Context& ctx, const std::string& session_id);

struct ScanReport {
    std::size_t watched = 0;
    std::size_t updated = 0;
    std::size_t kv_lists = 0;
    std::size_t rpc_calls = 0;
    std::vector<std::string> faults; ///< each failure; the rest of the scan went on
};

/// The cron tick's scan: the recent sessions (their records, newest first, back to
/// SESSION_TTL_SECONDS + kRecentSlackMs), then the watch index, each session once.
[[nodiscard]] engine::Task<ScanReport> scan_watched_sessions(engine::Context& ctx);

/// The token as the chain describes it, and the head, for pricing a new session.
struct TokenQuote {
    unsigned decimals = 0;
    std::string symbol;
    std::optional<std::uint64_t> head; ///< nullopt when the chain could not be asked
};

/// Reads (or recalls) the token's decimals and symbol and the head. When the chain cannot be
/// reached, a declared value (the network's USDC, TOKEN_DECIMALS) is used; without one this
/// is a fault. A chain that contradicts the configuration is a fault marked `misconfigured`.
[[nodiscard]] engine::Task<std::variant<TokenQuote, Fault>> describe_token(engine::Context& ctx);

/// The head of network `chain` of the configuration's chains as this instance last saw it,
/// when that is recent (no RPC call): a new session's first block there.
[[nodiscard]] std::optional<std::uint64_t> known_head(engine::Context& ctx, std::size_t chain);

/// The first block a session's payments can be in, for sessions stored without one:
/// estimated from its age and the network's block time with a generous margin.
[[nodiscard]] std::uint64_t first_block_for(std::int64_t created_at_ms, std::uint64_t head_block,
                                            std::int64_t now_ms,
                                            std::int64_t block_time_ms) noexcept;

} // namespace paylinks::chain
