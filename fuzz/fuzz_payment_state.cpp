// The payment state machine: a session driven through a sequence of chain observations (logs
// that come, go, move between blocks and forks, gain or lose confirmations; heads that advance
// or fall back; receipts that prove payments gone; a clock that runs) decided by the input.
// After every step the rules of sessions/payment_state.hpp must hold:
//   * a fulfilled status (paid, overpaid, paid_late) becomes fulfilled or reorged, never
//     open, detected, underpaid or expired; reorged stays reorged unless fulfilled again;
//   * the status says what the counted confirmed money says (money after the late window is
//     listed but never counted); paidAt is set exactly when fulfilled, and is the block time
//     of the payment that completed the total;
//   * a confirmed payment stays confirmed, and its confirmations never decrease, while it is
//     present with the same block hash;
//   * zero-value and time-less transfers are never payments; no payment twice, none
//     invented; a known payment disappears only when removed_transactions names it;
//   * the answer "changed" is true when anything a client acts on changed.
#include "core/sessions/payment_state.hpp"
#include "fuzz/fuzz_support.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <tuple>

using namespace paylinks;
using sessions::Status;

namespace {

constexpr std::int64_t kStart = 1'795'000'000'000;

std::string describe(const sessions::Session& session) {
    std::string out = std::string(sessions::to_string(session.status)) +
                      " due=" + num::to_decimal(session.amount_due) + " payments:";
    for (const auto& p : session.payments)
        out += " [" + p.transaction_hash.substr(0, 6) + "/" + std::to_string(p.log_index) + " " +
               num::to_decimal(p.amount) + " block " + std::to_string(p.block_number) + " " +
               p.block_hash.substr(0, 6) + " t " + std::to_string(p.time_ms) + " conf " +
               std::to_string(p.confirmations) + (p.confirmed ? " ok" : "") + "]";
    return out;
}

/// Confirmed money that counts: paid before the late window closed (later money is listed
/// for a refund, never counted).
num::uint256 counted_total(const sessions::Session& session, const sessions::StateRules& rules) {
    num::uint256 total = 0;
    for (const auto& p : session.payments)
        if (p.confirmed && p.time_ms <= session.expires_at_ms + rules.late_window_ms)
            total += p.amount;
    return total;
}

std::string hash_of(std::uint64_t n) {
    std::string hash = "0x";
    for (int i = 0; i < 64; ++i)
        hash += "0123456789abcdef"[(n >> ((i % 16) * 4)) & 15];
    return hash;
}

std::string tx_hash(unsigned tx) {
    return hash_of(0xabc0'0000'0000'0000ull + tx);
}

/// A block's hash on one of two forks.
std::string block_hash(std::uint64_t block, unsigned fork) {
    return hash_of(block * 2 + fork + 1);
}

num::uint256 pick_amount(FuzzedDataProvider& in, const num::uint256& due) {
    switch (in.ConsumeIntegralInRange<int>(0, 7)) {
    case 0:
        return due;
    case 1:
        return due - 1;
    case 2:
        return due / 2;
    case 3:
        return due + 1;
    case 4:
        return 1;
    case 5:
        return 0;
    case 6:
        return due - due / 2;
    default:
        return in.ConsumeIntegral<std::uint64_t>();
    }
}

using Identity = std::tuple<std::string, std::uint64_t, std::string>;

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider in(data, size);

    sessions::Session session;
    session.id = "cs_fuzz";
    session.created_at_ms = kStart;
    session.expires_at_ms = kStart + in.ConsumeIntegralInRange<std::int64_t>(5, 1440) * 60'000;
    switch (in.ConsumeIntegralInRange<int>(0, 3)) {
    case 0:
        session.amount_due = 150'000'000;
        break;
    case 1:
        session.amount_due = 1;
        break;
    case 2:
        session.amount_due = 2;
        break;
    default:
        session.amount_due = in.ConsumeIntegralInRange<std::uint64_t>(1, ~0ull);
        break;
    }
    sessions::StateRules rules;
    rules.confirmations_required = in.ConsumeIntegralInRange<int>(1, 12);
    rules.finalized = in.ConsumeIntegralInRange<int>(0, 3) == 0;
    rules.late_window_ms = in.PickValueInArray<std::int64_t>({0, 3'600'000, 86'400'000});

    std::int64_t now = kStart;
    std::uint64_t head = in.ConsumeIntegralInRange<std::uint64_t>(0, 1000);
    // Every (transaction, log index, block hash) a node showed as a countable transfer.
    std::set<Identity> ever_observed;

    // One chain on two forks, seen through a node that may lag, reorg or show logs in other
    // blocks: what a transfer carries (its amount) is fixed by its transaction and log index;
    // its time is its block's, so a moved log moves in time too.
    num::uint256 amounts[4][3];
    for (auto& row : amounts)
        for (auto& amount : row)
            amount = pick_amount(in, session.amount_due);
    const std::int64_t block_interval_ms =
        in.PickValueInArray<std::int64_t>({1000, 12'000, 600'000});
    const std::uint64_t first_head = head;
    const std::int64_t time_shift_ms =
        in.ConsumeIntegralInRange<std::int64_t>(-7'200'000, 7'200'000);
    auto block_time = [&](std::uint64_t block) -> std::int64_t {
        const std::uint64_t offset = std::min<std::uint64_t>(block, first_head + 1'000'000);
        return kStart + time_shift_ms +
               (static_cast<std::int64_t>(offset) - static_cast<std::int64_t>(first_head)) *
                   block_interval_ms;
    };

    const int steps = in.ConsumeIntegralInRange<int>(1, 16);
    for (int step = 0; step < steps && in.remaining_bytes() > 0; ++step) {
        now += in.ConsumeIntegralInRange<std::int64_t>(0, 7'200'000);
        switch (in.ConsumeIntegralInRange<int>(0, 5)) {
        case 0:
            break;
        case 1:
            head += in.ConsumeIntegralInRange<std::uint64_t>(1, 20);
            break;
        case 2:
            head -= std::min<std::uint64_t>(head, in.ConsumeIntegralInRange<std::uint64_t>(1, 5));
            break;
        case 3:
            head = in.ConsumeIntegral<std::uint64_t>();
            break;
        default:
            head += 1;
            break;
        }

        sessions::ChainObservation observation;
        observation.head_block = head;
        if (rules.finalized && in.ConsumeBool())
            observation.finalized_block =
                head -
                std::min<std::uint64_t>(head, in.ConsumeIntegralInRange<std::uint64_t>(0, 70));
        const int transfers = in.ConsumeIntegralInRange<int>(0, 6);
        for (int i = 0; i < transfers; ++i) {
            sessions::ObservedTransfer transfer;
            auto& log = transfer.log;
            const auto tx = in.ConsumeIntegralInRange<unsigned>(0, 3);
            log.transaction_hash = tx_hash(tx);
            log.log_index = in.ConsumeIntegralInRange<std::uint64_t>(0, 2);
            log.value = amounts[tx][log.log_index];
            log.from.bytes[19] = 7;
            log.block_number =
                in.ConsumeBool() ? head - std::min<std::uint64_t>(
                                              head, in.ConsumeIntegralInRange<std::uint64_t>(0, 14))
                                 : in.ConsumeIntegral<std::uint64_t>();
            log.block_hash =
                block_hash(log.block_number, in.ConsumeIntegralInRange<unsigned>(0, 1));
            log.removed = in.ConsumeIntegralInRange<int>(0, 7) == 0;
            if (in.ConsumeIntegralInRange<int>(0, 5) != 0)
                transfer.block_time_ms = block_time(log.block_number);
            if (!log.removed && log.value != 0 && transfer.block_time_ms)
                ever_observed.emplace(log.transaction_hash, log.log_index, log.block_hash);
            observation.transfers.push_back(std::move(transfer));
        }
        const int removals = in.ConsumeIntegralInRange<int>(0, 2);
        for (int i = 0; i < removals; ++i)
            observation.removed_transactions.push_back(
                tx_hash(in.ConsumeIntegralInRange<unsigned>(0, 3)));

        const auto before = session;
        const bool use_clock = in.ConsumeIntegralInRange<int>(0, 4) == 0;
        bool changed = false;
        if (use_clock) {
            changed = sessions::apply_clock(session, now);
            FUZZ_CHECK(session.payments.size() == before.payments.size(), describe(session));
            FUZZ_CHECK(changed == (session.status != before.status), describe(session));
            if (changed) {
                FUZZ_CHECK(
                    session.status == Status::expired && now >= session.expires_at_ms &&
                        (before.status == Status::open || before.status == Status::underpaid),
                    describe(before) + " → " + describe(session));
            }
        } else {
            changed = sessions::apply_observation(session, observation, rules, now);
        }
        const std::string transition = describe(before) + "\n  → " + describe(session) +
                                       "\n  head " + std::to_string(head) + " step " +
                                       std::to_string(step);

        // Fulfilled becomes fulfilled or reorged; reorged stays reorged unless fulfilled.
        if (sessions::is_fulfilled(before.status) || before.status == Status::reorged)
            FUZZ_CHECK(sessions::is_fulfilled(session.status) || session.status == Status::reorged,
                       transition);
        if (session.status == Status::reorged)
            FUZZ_CHECK(sessions::is_fulfilled(before.status) || before.status == Status::reorged,
                       transition);

        // paidAt is set exactly when fulfilled: the completing payment's block time.
        const sessions::Payment* completing = sessions::completing_payment(session, rules);
        if (sessions::is_fulfilled(session.status)) {
            FUZZ_CHECK(completing != nullptr && session.paid_at_ms == completing->time_ms,
                       transition);
        } else {
            FUZZ_CHECK(!session.paid_at_ms.has_value(), transition);
        }

        // The status says what the counted confirmed money says.
        const auto total = counted_total(session, rules);
        if (session.status == Status::paid)
            FUZZ_CHECK(total == session.amount_due && completing &&
                           completing->time_ms <= session.expires_at_ms,
                       transition);
        if (session.status == Status::overpaid)
            FUZZ_CHECK(total > session.amount_due && completing &&
                           completing->time_ms <= session.expires_at_ms,
                       transition);
        if (session.status == Status::paid_late)
            FUZZ_CHECK(total >= session.amount_due && completing &&
                           completing->time_ms > session.expires_at_ms,
                       transition);
        if (!sessions::is_fulfilled(session.status))
            FUZZ_CHECK(total < session.amount_due, transition);
        if (session.status == Status::open)
            FUZZ_CHECK(total == 0 && now < session.expires_at_ms, transition);
        if (session.status == Status::detected) {
            bool pending = false;
            for (const auto& p : session.payments)
                pending = pending || (!p.confirmed &&
                                      p.time_ms <= session.expires_at_ms + rules.late_window_ms);
            FUZZ_CHECK(pending, transition);
        }
        if (session.status == Status::expired) FUZZ_CHECK(now >= session.expires_at_ms, transition);

        // No payment twice, none invented (zero-value and time-less transfers never count), in
        // chain order.
        std::set<std::pair<std::string, std::uint64_t>> seen;
        for (std::size_t i = 0; i < session.payments.size(); ++i) {
            const auto& p = session.payments[i];
            FUZZ_CHECK(p.amount != 0, transition);
            FUZZ_CHECK(seen.emplace(p.transaction_hash, p.log_index).second, transition);
            FUZZ_CHECK(ever_observed.count({p.transaction_hash, p.log_index, p.block_hash}) == 1,
                       transition);
            if (i > 0) {
                const auto& q = session.payments[i - 1];
                FUZZ_CHECK(std::tie(q.block_number, q.log_index) <=
                               std::tie(p.block_number, p.log_index),
                           transition);
            }
        }

        // A known payment goes only when the node proved it gone; one still on the same block
        // keeps its confirmations and its confirmed flag.
        for (const auto& old : before.payments) {
            const bool removed = !use_clock && std::find(observation.removed_transactions.begin(),
                                                         observation.removed_transactions.end(),
                                                         old.transaction_hash) !=
                                                   observation.removed_transactions.end();
            const sessions::Payment* now_payment = nullptr;
            for (const auto& p : session.payments)
                if (p.transaction_hash == old.transaction_hash && p.log_index == old.log_index)
                    now_payment = &p;
            if (!removed) FUZZ_CHECK(now_payment != nullptr, transition);
            if (now_payment && now_payment->block_hash == old.block_hash) {
                FUZZ_CHECK(now_payment->confirmations >= old.confirmations, transition);
                if (old.confirmed) FUZZ_CHECK(now_payment->confirmed, transition);
            }
        }

        // Confirmations of every payment this observation showed are at least what the
        // answering node's head says; without finalized mode, confirmed follows the count.
        if (!use_clock) {
            for (const auto& p : session.payments) {
                bool shown = false;
                for (const auto& t : observation.transfers)
                    shown = shown ||
                            (!t.log.removed && t.log.value != 0 && t.block_time_ms &&
                             t.log.transaction_hash == p.transaction_hash &&
                             t.log.log_index == p.log_index && t.log.block_hash == p.block_hash);
                if (!shown) continue;
                // head − block + 1, saturating at the largest count there is.
                num::uint256 expected = head >= p.block_number
                                            ? num::uint256(head - p.block_number) + 1
                                            : num::uint256(0);
                expected = std::min(expected, num::uint256(~std::uint64_t{0}));
                FUZZ_CHECK(num::uint256(p.confirmations) >= expected, transition);
                if (!rules.finalized)
                    FUZZ_CHECK(p.confirmed ==
                                   (p.confirmations >=
                                    static_cast<std::uint64_t>(rules.confirmations_required)),
                               transition);
                else if (observation.finalized_block &&
                         p.block_number <= *observation.finalized_block)
                    FUZZ_CHECK(p.confirmed, transition);
            }
        }

        // "changed" covers every change anyone acts on.
        bool payments_differ = session.payments.size() != before.payments.size();
        for (std::size_t i = 0; !payments_differ && i < session.payments.size(); ++i) {
            const auto& a = session.payments[i];
            const auto& b = before.payments[i];
            payments_differ = a.transaction_hash != b.transaction_hash ||
                              a.log_index != b.log_index || a.amount != b.amount ||
                              (!a.confirmed && a.confirmations != b.confirmations) ||
                              a.confirmed != b.confirmed || a.block_number != b.block_number ||
                              a.block_hash != b.block_hash || a.time_ms != b.time_ms;
        }
        if (session.status != before.status || payments_differ ||
            session.paid_at_ms != before.paid_at_ms)
            FUZZ_CHECK(changed, transition);
    }
    return 0;
}
