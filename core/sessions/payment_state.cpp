#include "core/sessions/payment_state.hpp"

#include <algorithm>
#include <limits>
#include <tuple>

namespace paylinks::sessions {
namespace {

bool same_transfer(const Payment& a, const Payment& b) noexcept {
    return a.transaction_hash == b.transaction_hash && a.log_index == b.log_index;
}

bool payments_equal(const std::vector<Payment>& a, const std::vector<Payment>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!same_transfer(a[i], b[i]) || a[i].amount != b[i].amount ||
            a[i].confirmations != b[i].confirmations || a[i].confirmed != b[i].confirmed ||
            a[i].block_number != b[i].block_number)
            return false;
    }
    return true;
}

// The status the payments imply, ignoring stickiness.
Status derive_status(const Session& session, const StateRules& rules, std::int64_t now_ms) {
    // Money that arrives after the late window has closed can no longer pay the session (its
    // rate and the merchant's order are gone): it stays listed, for a refund, never counted.
    const std::int64_t closes_at_ms = session.expires_at_ms + rules.late_window_ms;
    num::uint256 confirmed_total = 0;
    bool pending = false;
    std::optional<std::int64_t> crossing_time;
    for (const auto& payment : session.payments) { // in chain order
        if (payment.time_ms > closes_at_ms) continue;
        if (!payment.confirmed) {
            pending = true;
            continue;
        }
        confirmed_total += payment.amount;
        if (!crossing_time && confirmed_total >= session.amount_due)
            crossing_time = payment.time_ms;
    }
    if (crossing_time) {
        if (*crossing_time > session.expires_at_ms) return Status::paid_late;
        return confirmed_total > session.amount_due ? Status::overpaid : Status::paid;
    }
    if (pending) return Status::detected;
    const bool expired = now_ms >= session.expires_at_ms;
    if (confirmed_total > 0) return expired ? Status::expired : Status::underpaid;
    return expired ? Status::expired : Status::open;
}

} // namespace

bool apply_observation(Session& session, const ChainObservation& observation,
                       const StateRules& rules, std::int64_t now_ms) {
    std::vector<Payment> payments;
    for (const auto& transfer : observation.transfers) {
        const auto& log = transfer.log;
        if (log.removed) continue;
        Payment payment;
        payment.transaction_hash = log.transaction_hash;
        payment.log_index = log.log_index;
        payment.from = log.from;
        payment.amount = log.value;
        payment.block_number = log.block_number;
        // The log's block and those on top of it (saturating: a head of 2^64 − 1 over block 0
        // must not wrap to none).
        payment.confirmations = observation.head_block >= log.block_number
                                    ? std::min(observation.head_block - log.block_number,
                                               std::numeric_limits<std::uint64_t>::max() - 1) +
                                          1
                                    : 0;
        payment.confirmed =
            payment.confirmations >= static_cast<std::uint64_t>(rules.confirmations_required);
        // Keep the first-seen time of a known payment; a log's own block time wins.
        payment.time_ms = now_ms;
        for (const auto& known : session.payments)
            if (same_transfer(known, payment)) payment.time_ms = known.time_ms;
        if (transfer.block_time_ms) payment.time_ms = *transfer.block_time_ms;
        if (std::none_of(payments.begin(), payments.end(),
                         [&](const Payment& p) { return same_transfer(p, payment); }))
            payments.push_back(std::move(payment));
    }
    std::sort(payments.begin(), payments.end(), [](const Payment& a, const Payment& b) {
        return std::tie(a.block_number, a.log_index) < std::tie(b.block_number, b.log_index);
    });

    if (is_fulfilled(session.status)) {
        // Final: confirmed payments stay even if a node stops showing them; new ones are added.
        for (const auto& known : session.payments) {
            bool still_there = std::any_of(payments.begin(), payments.end(), [&](const Payment& p) {
                return same_transfer(p, known);
            });
            if (!still_there && known.confirmed) payments.push_back(known);
        }
        std::sort(payments.begin(), payments.end(), [](const Payment& a, const Payment& b) {
            return std::tie(a.block_number, a.log_index) < std::tie(b.block_number, b.log_index);
        });
    }

    const bool payments_changed = !payments_equal(payments, session.payments);
    const Status before = session.status;
    session.payments = std::move(payments);
    Status next = derive_status(session, rules, now_ms);
    if (is_fulfilled(before)) {
        // Only more money can change a fulfilled session: paid becomes overpaid. Money after
        // the late window is not counted here either.
        num::uint256 confirmed_total = 0;
        for (const auto& payment : session.payments)
            if (payment.confirmed &&
                payment.time_ms <= session.expires_at_ms + rules.late_window_ms)
                confirmed_total += payment.amount;
        next = before == Status::paid && confirmed_total > session.amount_due ? Status::overpaid
                                                                              : before;
    }
    session.status = next;
    if (is_fulfilled(next) && !session.paid_at_ms) session.paid_at_ms = now_ms;
    return payments_changed || next != before;
}

bool apply_clock(Session& session, std::int64_t now_ms) {
    if (session.status != Status::open && session.status != Status::underpaid) return false;
    if (now_ms < session.expires_at_ms) return false;
    session.status = Status::expired;
    return true;
}

bool needs_watching(const Session& session, const StateRules& rules, std::int64_t now_ms) noexcept {
    // Until every payment seen is confirmed (or gone): one made in time must not be left
    // `detected` for good because its confirmations came after the window closed.
    const bool unconfirmed = std::any_of(session.payments.begin(), session.payments.end(),
                                         [](const Payment& p) { return !p.confirmed; });
    // A fulfilled session is final once its payments are confirmed.
    if (is_fulfilled(session.status)) return unconfirmed;
    return unconfirmed || now_ms < session.expires_at_ms + rules.late_window_ms;
}

} // namespace paylinks::sessions
