#include "core/sessions/payment_state.hpp"

#include <algorithm>
#include <limits>
#include <tuple>

namespace paylinks::sessions {
namespace {

bool same_transfer(const Payment& a, const Payment& b) noexcept {
    return a.transaction_hash == b.transaction_hash && a.log_index == b.log_index &&
           a.network == b.network;
}

bool on_network(const Payment& payment, const ChainObservation& observation) noexcept {
    return payment.network.empty() ? observation.primary : payment.network == observation.network;
}

// Equal as far as anyone acts on them: confirmation counts past the required number move
// with every block and are not worth a write.
bool payments_equal(const std::vector<Payment>& a, const std::vector<Payment>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!same_transfer(a[i], b[i]) || a[i].amount != b[i].amount ||
            (!a[i].confirmed && a[i].confirmations != b[i].confirmations) ||
            a[i].confirmed != b[i].confirmed || a[i].block_number != b[i].block_number ||
            a[i].block_hash != b[i].block_hash || a[i].time_ms != b[i].time_ms)
            return false;
    }
    return true;
}

// Chain order on each network; across networks, by block time (timestamps never decrease
// along one chain, so the two orders agree).
void sort_in_chain_order(std::vector<Payment>& payments) {
    std::sort(payments.begin(), payments.end(), [](const Payment& a, const Payment& b) {
        return std::tie(a.time_ms, a.network, a.block_number, a.log_index) <
               std::tie(b.time_ms, b.network, b.block_number, b.log_index);
    });
}

// The log's block and those on top of it (saturating: a head of 2^64 − 1 over block 0 must
// not wrap to none).
std::uint64_t confirmations_at(std::uint64_t head, std::uint64_t block) noexcept {
    if (head < block) return 0;
    return std::min(head - block, std::numeric_limits<std::uint64_t>::max() - 1) + 1;
}

std::int64_t window_closes_at(const Session& session, const StateRules& rules) noexcept {
    return session.expires_at_ms + rules.late_window_ms;
}

// The status the payments and the clock imply, before the rule that a fulfilled session is
// never silently unfulfilled.
Status derive_status(const Session& session, const StateRules& rules, std::int64_t now_ms) {
    // Money that arrives after the late window has closed can no longer pay the session (its
    // rate and the merchant's order are gone): it stays listed, for a refund, never counted.
    const std::int64_t closes_at_ms = window_closes_at(session, rules);
    num::uint256 confirmed_total = 0;
    bool pending = false;
    std::optional<std::int64_t> crossing_time;
    for (const auto& payment : session.payments) { // in chain order
        if (payment.time_ms > closes_at_ms) continue;
        if (!payment.confirmed) {
            pending = true;
            continue;
        }
        confirmed_total += session.accounted(payment);
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

Payment payment_from(const ObservedTransfer& transfer, const ChainObservation& observation,
                     std::optional<unsigned> decimals) {
    const auto& log = transfer.log;
    Payment payment;
    payment.network = observation.network;
    payment.token = log.token;
    payment.decimals = decimals;
    payment.transaction_hash = log.transaction_hash;
    payment.log_index = log.log_index;
    payment.from = log.from;
    payment.amount = log.value;
    payment.block_number = log.block_number;
    payment.block_hash = log.block_hash;
    payment.time_ms = transfer.block_time_ms.value_or(0);
    return payment;
}

} // namespace

const Payment* completing_payment(const Session& session, const StateRules& rules) noexcept {
    const std::int64_t closes_at_ms = window_closes_at(session, rules);
    num::uint256 confirmed_total = 0;
    for (const auto& payment : session.payments) {
        if (payment.time_ms > closes_at_ms || !payment.confirmed) continue;
        confirmed_total += session.accounted(payment);
        if (confirmed_total >= session.amount_due) return &payment;
    }
    return nullptr;
}

bool apply_observation(Session& session, const ChainObservation& observation,
                       const StateRules& rules, std::int64_t now_ms) {
    const std::uint64_t head = std::max(session.head_seen, observation.head_block);
    std::vector<Payment> payments;
    auto add = [&](Payment payment) {
        if (std::none_of(payments.begin(), payments.end(),
                         [&](const Payment& p) { return same_transfer(p, payment); }))
            payments.push_back(std::move(payment));
    };
    for (const auto& transfer : observation.transfers) {
        if (transfer.log.removed || transfer.log.value == 0 || !transfer.block_time_ms) continue;
        std::optional<unsigned> decimals;
        if (!observation.accepted.empty()) {
            auto accepted = std::find_if(
                observation.accepted.begin(), observation.accepted.end(),
                [&](const AcceptedToken& token) { return token.token == transfer.log.token; });
            if (accepted == observation.accepted.end()) continue; // not one of its options
            decimals = accepted->decimals;
        }
        Payment payment = payment_from(transfer, observation, decimals);
        const Payment* known = nullptr;
        for (const auto& p : session.payments)
            if (on_network(p, observation) && p.transaction_hash == payment.transaction_hash &&
                p.log_index == payment.log_index && p.block_hash == payment.block_hash)
                known = &p;
        // The answering node's own head decides new confirmations: another node's higher head
        // says nothing about this node's fork. What was reached on the same block stays.
        payment.confirmations = confirmations_at(observation.head_block, payment.block_number);
        payment.confirmed =
            rules.finalized
                ? observation.finalized_block &&
                      *observation.finalized_block >= payment.block_number
                : payment.confirmations >=
                      static_cast<std::uint64_t>(std::max(1, rules.confirmations_required));
        if (known) {
            payment.confirmations = std::max(payment.confirmations, known->confirmations);
            payment.confirmed = payment.confirmed || known->confirmed;
        }
        add(std::move(payment));
    }
    // Known payments this answer neither showed nor disproved stay as they were, and so do
    // those on other networks. One stored without a network is the primary's: shown again,
    // it is the same transfer, now with its network named.
    for (const auto& known : session.payments) {
        const bool here = on_network(known, observation);
        const bool removed =
            here && std::find(observation.removed_transactions.begin(),
                              observation.removed_transactions.end(),
                              known.transaction_hash) != observation.removed_transactions.end();
        const bool shown_again =
            here && known.network.empty() &&
            std::any_of(payments.begin(), payments.end(), [&](const Payment& p) {
                return p.transaction_hash == known.transaction_hash &&
                       p.log_index == known.log_index;
            });
        if (!removed && !shown_again) add(known);
    }
    sort_in_chain_order(payments);

    const bool payments_changed = !payments_equal(payments, session.payments);
    const Status before = session.status;
    session.payments = std::move(payments);
    session.head_seen = head;
    Status next = derive_status(session, rules, now_ms);
    const bool was_fulfilled = is_fulfilled(before) || before == Status::reorged;
    if (was_fulfilled && !is_fulfilled(next)) next = Status::reorged;
    session.status = next;
    const Payment* completing = is_fulfilled(next) ? completing_payment(session, rules) : nullptr;
    const auto paid_at = completing ? std::optional<std::int64_t>(completing->time_ms)
                                    : std::optional<std::int64_t>{};
    const bool paid_at_changed = paid_at != session.paid_at_ms;
    session.paid_at_ms = paid_at;
    return payments_changed || next != before || paid_at_changed;
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
    return unconfirmed || now_ms < window_closes_at(session, rules);
}

} // namespace paylinks::sessions
