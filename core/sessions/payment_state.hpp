#pragma once
// The payment state machine of a checkout session.
//
// Theory of operation. A session's payment state is never accumulated: at every check it
// is recomputed from what the chain shows now — the Transfer logs into its deposit address
// and the head block — and from the clock. A check sees the chain through one node's answer,
// which may lag behind another node's (load-balanced providers): a known payment the answer
// does not show is kept as it was, unless the node proved it gone (the watcher asked for its
// receipt), so a lagging answer changes nothing. Confirmations of a payment never
// decrease while its block hash stays the same, so statuses do not flap.
//
//   open ──log seen──▶ detected ──confirmed, total = due──▶ paid ──more──▶ overpaid
//     │                   │   └──confirmed, total > due──▶ overpaid
//     │                   └──confirmed, total < due──▶ underpaid ──top-up──▶ detected …
//     └──expiresAt passes with nothing paid──▶ expired ──paid in the late window──▶ paid_late
//   paid / overpaid / paid_late ──its payment removed by a reorg──▶ reorged ──paid again──▶ …
//
// On time or late is decided by the timestamp of the block that holds the payment, never by
// when it was first seen. Payments whose block is after the late window are listed but never
// counted. A session that was fulfilled is never silently unfulfilled: it becomes `reorged`.
#include "core/eth/transfer_log.hpp"
#include "core/sessions/session.hpp"

#include <optional>
#include <vector>

namespace paylinks::sessions {

/// A Transfer log already checked to be from the configured token to this session's address,
/// of a non-zero value, in a block whose hash and timestamp the node reported.
struct ObservedTransfer {
    eth::TransferLog log;
    std::optional<std::int64_t> block_time_ms; ///< from the log or its block header
};

/// A token a session accepts on the observed network, and its decimals there.
struct AcceptedToken {
    eth::Address token{};
    unsigned decimals = 6;
};

struct ChainObservation {
    std::uint64_t head_block = 0; ///< the answering node's head
    /// The node's finalized block, when CONFIRMATIONS=finalized.
    std::optional<std::uint64_t> finalized_block;
    /// Transfers the node shows now (logs in the blocks it covered, and receipts).
    std::vector<ObservedTransfer> transfers;
    /// Known payments the node proved gone: their receipt is absent, failed or elsewhere while
    /// the node's head is past their block. A known payment in neither list is kept as it was
    /// (the answer did not cover its block, or could not tell).
    std::vector<std::string> removed_transactions;
    /// The network observed: only its payments are updated, the others' stay as they were.
    std::string network;
    bool primary = true; ///< it is the primary one (payments stored without a network are)
    /// The session's tokens there; a transfer of any other token is not a payment of it.
    /// Empty: every transfer is taken in the session's token_decimals.
    std::vector<AcceptedToken> accepted;
};

struct StateRules {
    int confirmations_required = 1;
    bool finalized = false; ///< count a payment once its block is finalized instead
    std::int64_t late_window_ms = 0;
};

/// Recomputes `session` from `observation` at `now_ms`. Returns whether anything anyone acts
/// on changed (status, the payments, whether each is confirmed, the confirmations of those
/// that are not yet, paidAt): only then is the session worth writing.
bool apply_observation(Session& session, const ChainObservation& observation,
                       const StateRules& rules, std::int64_t now_ms);

/// The clock alone: open/underpaid sessions expire. Returns whether the status changed.
bool apply_clock(Session& session, std::int64_t now_ms);

/// Whether the chain still needs watching for this session at `now_ms`: until its late
/// window closes, fulfilled or not, and while any payment is unconfirmed.
[[nodiscard]] bool needs_watching(const Session& session, const StateRules& rules,
                                  std::int64_t now_ms) noexcept;

/// The payment (if any) whose confirmation made the confirmed total reach amount_due: its
/// block time is paidAt, and its identity names the fulfilment.
[[nodiscard]] const Payment* completing_payment(const Session& session,
                                                const StateRules& rules) noexcept;

} // namespace paylinks::sessions
