// The payment state machine: a session driven through a sequence of chain observations (logs
// that come, go, move between blocks and gain or lose confirmations; heads that advance or
// fall back; a clock that runs) decided by the input. After every step the invariants of
// sessions/payment_state.hpp must hold:
//   * a fulfilled status (paid, overpaid, paid_late) never goes back to open, detected,
//     underpaid or expired; paid may only become overpaid;
//   * paid means the confirmed total equals the amount due, overpaid that it exceeds it
//     (money after the late window is listed but never counted);
//   * no payment is counted twice, and none is invented;
//   * confirmations are what the head says; the answer "changed" is true when anything
//     a client can see changed.
#include "core/sessions/payment_state.hpp"
#include "fuzz/fuzz_support.hpp"

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
               num::to_decimal(p.amount) + " block " + std::to_string(p.block_number) + " conf " +
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

std::string hash_of(unsigned n) {
    std::string hash = "0x";
    for (int i = 0; i < 32; ++i)
        hash += "0123456789abcdef"[(n + i) % 16], hash += 'a';
    return hash.substr(0, 66);
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
    rules.late_window_ms = in.PickValueInArray<std::int64_t>({0, 3'600'000, 86'400'000});

    std::int64_t now = kStart;
    std::uint64_t head = in.ConsumeIntegralInRange<std::uint64_t>(0, 1000);
    std::set<std::pair<std::string, std::uint64_t>> ever_observed;

    // One chain, seen through a node that may lag, reorg or show logs in other blocks: what a
    // transfer carries (its amount) is fixed by its transaction and log index; its time is its
    // block's (when the node reports block times at all), so a moved log moves in time too.
    num::uint256 amounts[4][3];
    for (auto& row : amounts)
        for (auto& amount : row)
            amount = pick_amount(in, session.amount_due);
    const bool node_reports_time = in.ConsumeBool();
    const std::int64_t block_interval_ms =
        in.PickValueInArray<std::int64_t>({1000, 12'000, 600'000});
    const std::uint64_t first_head = head;
    const std::int64_t time_shift_ms =
        in.ConsumeIntegralInRange<std::int64_t>(-7'200'000, 7'200'000);
    auto block_time = [&](std::uint64_t block) -> std::optional<std::int64_t> {
        // The watcher hands over only transfers whose block header it read (hash and time);
        // a time-less one must never become a payment.
        if (block > first_head + 1'000'000 || (!node_reports_time && block % 5 == 0))
            return std::nullopt;
        return kStart + time_shift_ms +
               (static_cast<std::int64_t>(block) - static_cast<std::int64_t>(first_head)) *
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
        const int transfers = in.ConsumeIntegralInRange<int>(0, 6);
        for (int i = 0; i < transfers; ++i) {
            sessions::ObservedTransfer transfer;
            auto& log = transfer.log;
            const auto tx = in.ConsumeIntegralInRange<unsigned>(0, 3);
            log.transaction_hash = hash_of(tx);
            log.log_index = in.ConsumeIntegralInRange<std::uint64_t>(0, 2);
            log.value = amounts[tx][log.log_index];
            log.from.bytes[19] = 7;
            log.block_number =
                in.ConsumeBool() ? head - std::min<std::uint64_t>(
                                              head, in.ConsumeIntegralInRange<std::uint64_t>(0, 14))
                                 : in.ConsumeIntegral<std::uint64_t>();
            log.removed = in.ConsumeIntegralInRange<int>(0, 7) == 0;
            transfer.block_time_ms = block_time(log.block_number);
            if (!log.removed) ever_observed.emplace(log.transaction_hash, log.log_index);
            observation.transfers.push_back(std::move(transfer));
        }

        const auto before = session;
        const bool use_clock = in.ConsumeIntegralInRange<int>(0, 4) == 0;
        bool changed = false;
        if (use_clock) {
            changed = sessions::apply_clock(session, now);
            FUZZ_CHECK(session.payments.size() == before.payments.size(), describe(session));
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

        // A fulfilled session is never silently unfulfilled: it is fulfilled or reorged, and
        // a reorged one stays so until it is fulfilled again.
        if (sessions::is_fulfilled(before.status) || before.status == Status::reorged)
            FUZZ_CHECK(sessions::is_fulfilled(session.status) || session.status == Status::reorged,
                       transition);
        // paidAt is the block time of the payment that completed the total, and only then.
        if (sessions::is_fulfilled(session.status)) {
            const auto* completing = sessions::completing_payment(session, rules);
            FUZZ_CHECK(completing && session.paid_at_ms == completing->time_ms, transition);
        } else {
            FUZZ_CHECK(!session.paid_at_ms, transition);
        }
        // Nothing disappears unless the node proved it gone (this fuzzer never says so): a
        // lagging or partial answer keeps what was known.
        if (!use_clock)
            for (const auto& p : before.payments) {
                bool kept = false;
                for (const auto& q : session.payments)
                    kept = kept ||
                           (q.transaction_hash == p.transaction_hash && q.log_index == p.log_index);
                FUZZ_CHECK(kept, transition);
            }
        for (const auto& p : session.payments)
            FUZZ_CHECK(p.amount > 0, transition);

        // The status says what the confirmed money says, when it is reached (a fulfilled
        // status then stays, whatever a node shows later).
        const auto total = counted_total(session, rules);
        if (session.status != before.status) {
            if (session.status == Status::paid) FUZZ_CHECK(total == session.amount_due, transition);
            if (session.status == Status::overpaid)
                FUZZ_CHECK(total > session.amount_due, transition);
            if (session.status == Status::paid_late)
                FUZZ_CHECK(total >= session.amount_due, transition);
        }
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

        // No payment twice, none invented, in chain order.
        std::set<std::pair<std::string, std::uint64_t>> seen;
        for (std::size_t i = 0; i < session.payments.size(); ++i) {
            const auto& p = session.payments[i];
            FUZZ_CHECK(seen.emplace(p.transaction_hash, p.log_index).second, transition);
            FUZZ_CHECK(ever_observed.count({p.transaction_hash, p.log_index}) == 1, transition);
            if (i > 0) {
                const auto& q = session.payments[i - 1];
                FUZZ_CHECK(std::tie(q.block_number, q.log_index) <=
                               std::tie(p.block_number, p.log_index),
                           transition);
            }
        }

        // Confirmations follow the head for every payment this observation showed.
        if (!use_clock) {
            for (const auto& p : session.payments) {
                bool shown = false;
                for (const auto& t : observation.transfers)
                    shown = shown || (!t.log.removed && t.block_time_ms && t.log.value > 0 &&
                                      t.log.transaction_hash == p.transaction_hash &&
                                      t.log.log_index == p.log_index &&
                                      t.log.block_number == p.block_number);
                if (!shown) continue;
                // At least head − block + 1 (saturating), and never fewer than before.
                num::uint256 expected = head >= p.block_number
                                            ? num::uint256(head - p.block_number) + 1
                                            : num::uint256(0);
                expected = std::min(expected, num::uint256(~std::uint64_t{0}));
                FUZZ_CHECK(num::uint256(p.confirmations) >= expected, transition);
                if (expected >= num::uint256(rules.confirmations_required))
                    FUZZ_CHECK(p.confirmed, transition);
                for (const auto& q : before.payments)
                    if (q.transaction_hash == p.transaction_hash && q.log_index == p.log_index &&
                        q.block_hash == p.block_hash) {
                        FUZZ_CHECK(p.confirmations >= q.confirmations, transition);
                        FUZZ_CHECK(p.confirmed || !q.confirmed, transition);
                    }
            }
        }

        // "changed" covers every visible change.
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
