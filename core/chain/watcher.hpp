#pragma once
// Finding payments: one session on demand (the page's polls, /verify) and every watched
// session on the cron tick (one KV list and one eth_getLogs per 1000 sessions, plus one
// eth_blockNumber). Both feed the same state machine (sessions/payment_state.hpp).
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
/// eth_chainId is verified again after this long (per instance).
inline constexpr std::int64_t kChainRecheckMs = 10 * 60 * 1000;

struct CheckReport {
    bool checked = false;                  ///< false: throttled, or nothing left to watch
    bool changed = false;                  ///< the session was updated (and must be saved)
    std::optional<ReceiptVerdict> receipt; ///< with a transaction to verify
};

/// Brings `session` up to date with the chain. A fault leaves it untouched.
/// With `transaction_hash`, the receipt is fetched in the same round trip and its matching
/// transfers count even if the node's log index lags behind.
[[nodiscard]] engine::Task<std::variant<CheckReport, Fault>>
check_session(engine::Context& ctx, sessions::Session& session,
              std::optional<std::string> transaction_hash, bool force);

struct ScanReport {
    std::size_t watched = 0;
    std::size_t updated = 0;
    std::size_t kv_lists = 0;
    std::size_t rpc_calls = 0;
    std::string fault; ///< empty when the scan completed
};

/// The cron tick's scan over the watch index.
[[nodiscard]] engine::Task<ScanReport> scan_watched_sessions(engine::Context& ctx);

/// The first block a session's payments can be in, estimated from its age and the
/// network's block time with a generous margin (nothing needs storing at creation).
[[nodiscard]] std::uint64_t first_block_for(std::int64_t created_at_ms, std::uint64_t head_block,
                                            std::int64_t now_ms,
                                            std::int64_t block_time_ms) noexcept;

} // namespace paylinks::chain
