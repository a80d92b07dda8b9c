#pragma once
// Proving refunds on chain. Pending refunds are grouped per network, sender and token, and
// each group costs one JSON-RPC batch: the head (and the finalized block under
// CONFIRMATIONS=finalized) and one eth_getLogs of the token's Transfers with topics
// [Transfer, sender, [recipients…]] from the oldest pending refund's start block. The
// matching itself is refunds::match_refunds; a proven refund's claim on its transfer
// (rc/…) is read before it is given, so a transfer proves one refund only.
//
// The cron tick reads one marker first (cfg/refunds_pending, allowed 60 s old): without it,
// nothing is listed and the chain is not asked. A merchant's retrieve of a pending refund
// checks it too, at most once per kCheckIntervalMs per instance.
#include "core/chain/rpc.hpp"
#include "core/engine/context.hpp"
#include "core/engine/task.hpp"
#include "core/refunds/refund.hpp"

#include <string>
#include <variant>
#include <vector>

namespace paylinks::refunds {

/// Recipients in one eth_getLogs topic OR-list.
inline constexpr std::size_t kMaxRecipientsPerCall = 500;

struct RefundScanReport {
    std::size_t pending = 0;
    std::size_t succeeded = 0;
    std::size_t kv_lists = 0;
    std::size_t rpc_calls = 0;
    std::vector<std::string> faults;
};

/// The cron tick's part: every pending refund of the configured network.
[[nodiscard]] engine::Task<RefundScanReport> check_pending_refunds(engine::Context& ctx);

/// One pending refund (a retrieve): brought up to date, throttled per instance unless
/// `force`. Answers whether it changed; a fault leaves it as it was.
[[nodiscard]] engine::Task<std::variant<bool, chain::Fault>>
check_refund(engine::Context& ctx, Refund& refund, bool force);

/// A transaction the merchant names as the refund's (transactionHash, lower case): its
/// receipt is read, and a Transfer in it of exactly the refund proves it once confirmed, as
/// the logs would (the same claims). Answers whether it changed; transaction_not_found,
/// transaction_not_refund (no such transfer in it), upstream_unavailable.
[[nodiscard]] engine::Task<std::variant<bool, http::ApiError>>
verify_refund(engine::Context& ctx, Refund& refund, std::string transaction_hash);

} // namespace paylinks::refunds
