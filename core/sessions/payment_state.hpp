#pragma once
// The payment state machine of a checkout session.
//
// Theory of operation. A session's payment state is never accumulated: at every check it
// is recomputed from what the chain shows now — the Transfer logs into its deposit address
// and the head block — and from the clock. Only two things carry over from earlier checks:
// the time a payment was first seen (for chains whose logs carry no block time), and the
// fulfilled states (paid, overpaid, paid_late), which are final once their payments had the
// required confirmations: a reorg deeper than that is not something a merchant can undo.
//
//   open ──log seen──▶ detected ──confirmed, total = due──▶ paid
//     │                   │   └──confirmed, total > due──▶ overpaid
//     │                   └──confirmed, total < due──▶ underpaid ──top-up──▶ detected …
//     └──expiresAt passes with nothing paid──▶ expired ──paid in the late window──▶ paid_late
//
// A payment's time is its block's time (else when first seen). Payments after the late
// window are listed but never counted: the session stays expired.
//
// A log that disappears (reorg) simply is not there at the next check, so detected falls
// back to open (or underpaid) by the same computation.
#include "core/eth/transfer_log.hpp"
#include "core/sessions/session.hpp"

#include <optional>
#include <vector>

namespace paylinks::sessions {

/// A Transfer log already checked to be from the configured token to this session's address.
struct ObservedTransfer {
    eth::TransferLog log;
    std::optional<std::int64_t> block_time_ms;
};

struct ChainObservation {
    std::uint64_t head_block = 0;
    std::vector<ObservedTransfer> transfers;
};

struct StateRules {
    int confirmations_required = 1;
    std::int64_t late_window_ms = 0;
};

/// Recomputes `session` from `observation` at `now_ms`. Returns whether anything a client
/// can see (status, payments, confirmations, paidAt) changed.
bool apply_observation(Session& session, const ChainObservation& observation,
                       const StateRules& rules, std::int64_t now_ms);

/// The clock alone: open/underpaid sessions expire. Returns whether the status changed.
bool apply_clock(Session& session, std::int64_t now_ms);

/// Whether the chain still needs watching for this session at `now_ms`.
[[nodiscard]] bool needs_watching(const Session& session, const StateRules& rules,
                                  std::int64_t now_ms) noexcept;

} // namespace paylinks::sessions
