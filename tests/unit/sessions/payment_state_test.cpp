// Every transition of the payment state machine (core/sessions/payment_state.hpp), one table
// row each: the session before, what the chain shows, the clock → the status, whether the
// session changed, and paidAt.
#include "core/sessions/payment_state.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

using namespace paylinks::sessions;

namespace {

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kCreated = 1'795'000'000'000;
constexpr std::int64_t kExpires = kCreated + 30 * kMinute;
constexpr std::int64_t kLateWindow = 60 * kMinute;
const StateRules kTwoConfirmations{2, false, kLateWindow};
const StateRules kFinalized{1, true, kLateWindow};

std::string block_hash(std::uint64_t block, char fork = 'b') {
    return "0x" + std::string(48, fork) + std::string(16 - std::to_string(block).size(), '0') +
           std::to_string(block);
}

ObservedTransfer transfer(char tx, std::uint64_t amount, std::uint64_t block,
                          std::optional<std::int64_t> time_ms, char fork = 'b') {
    ObservedTransfer t;
    t.log.transaction_hash = "0x" + std::string(64, tx);
    t.log.value = amount;
    t.log.block_number = block;
    t.log.block_hash = block_hash(block, fork);
    t.log.from.bytes[19] = 9;
    t.block_time_ms = time_ms;
    return t;
}

Payment payment(char tx, std::uint64_t amount, std::uint64_t block, std::int64_t time_ms,
                std::uint64_t confirmations, bool confirmed, char fork = 'b') {
    Payment p;
    p.transaction_hash = "0x" + std::string(64, tx);
    p.amount = amount;
    p.block_number = block;
    p.block_hash = block_hash(block, fork);
    p.from.bytes[19] = 9;
    p.time_ms = time_ms;
    p.confirmations = confirmations;
    p.confirmed = confirmed;
    return p;
}

struct Row {
    const char* name;
    // Before.
    Status status;
    std::vector<Payment> payments;
    std::optional<std::int64_t> paid_at_ms;
    std::uint64_t head_seen;
    // The check.
    ChainObservation observation;
    StateRules rules;
    std::int64_t now_ms;
    // After.
    Status expected;
    bool changed;
    std::optional<std::int64_t> expected_paid_at_ms;
    std::size_t expected_payments;
};

ChainObservation seen(std::uint64_t head, std::vector<ObservedTransfer> transfers,
                      std::vector<std::string> removed = {},
                      std::optional<std::uint64_t> finalized = std::nullopt) {
    ChainObservation observation;
    observation.head_block = head;
    observation.finalized_block = finalized;
    observation.transfers = std::move(transfers);
    observation.removed_transactions = std::move(removed);
    return observation;
}

const std::string kTxA = "0x" + std::string(64, 'a');

std::vector<Row> rows() {
    const std::int64_t t5 = kCreated + 5 * kMinute;
    const std::int64_t t8 = kCreated + 8 * kMinute;
    const std::int64_t t10 = kCreated + 10 * kMinute;
    return {
        {"open → detected: a log with too few confirmations",
         Status::open,
         {},
         {},
         0,
         seen(100, {transfer('a', 100, 100, t5)}),
         kTwoConfirmations,
         t5 + kMinute,
         Status::detected,
         true,
         {},
         1},
        {"detected → paid: the payment is confirmed",
         Status::detected,
         {payment('a', 100, 100, t5, 1, false)},
         {},
         100,
         seen(101, {transfer('a', 100, 100, t5)}),
         kTwoConfirmations,
         t5 + kMinute,
         Status::paid,
         true,
         t5,
         1},
        {"underpaid → detected: a top-up is seen",
         Status::underpaid,
         {payment('a', 50, 100, t5, 5, true)},
         {},
         104,
         seen(108, {transfer('a', 50, 100, t5), transfer('c', 50, 108, t8)}),
         kTwoConfirmations,
         t8 + kMinute,
         Status::detected,
         true,
         {},
         2},
        {"detected → paid: the top-up completes the total",
         Status::detected,
         {payment('a', 50, 100, t5, 9, true), payment('c', 50, 108, t8, 1, false)},
         {},
         108,
         seen(109, {transfer('a', 50, 100, t5), transfer('c', 50, 108, t8)}),
         kTwoConfirmations,
         t8 + kMinute,
         Status::paid,
         true,
         t8,
         2},
        {"paid → overpaid: a later transfer; paidAt stays the completing one's",
         Status::paid,
         {payment('a', 100, 100, t5, 5, true)},
         t5,
         104,
         seen(120, {transfer('a', 100, 100, t5), transfer('d', 10, 115, t10)}),
         kTwoConfirmations,
         t10 + kMinute,
         Status::overpaid,
         true,
         t5,
         2},
        {"expired → paid_late: mined after expiry, within the late window",
         Status::expired,
         {},
         {},
         280,
         seen(300, {transfer('a', 100, 290, kExpires + 10 * kMinute)}),
         kTwoConfirmations,
         kExpires + 20 * kMinute,
         Status::paid_late,
         true,
         kExpires + 10 * kMinute,
         1},
        {"mined before expiresAt, first seen after it → paid, at the block time",
         Status::open,
         {},
         {},
         0,
         seen(300, {transfer('a', 100, 290, kExpires - kMinute)}),
         kTwoConfirmations,
         kExpires + 5 * kMinute,
         Status::paid,
         true,
         kExpires - kMinute,
         1},
        {"after the late window: listed, not counted",
         Status::expired,
         {},
         {},
         280,
         seen(300, {transfer('a', 100, 290, kExpires + kLateWindow + kMinute)}),
         kTwoConfirmations,
         kExpires + kLateWindow + 2 * kMinute,
         Status::expired,
         true,
         {},
         1},
        {"a zero-value transfer is ignored",
         Status::open,
         {},
         {},
         100,
         seen(100, {transfer('a', 0, 95, t5)}),
         kTwoConfirmations,
         t5 + kMinute,
         Status::open,
         false,
         {},
         0},
        {"a transfer without a block time is ignored",
         Status::open,
         {},
         {},
         100,
         seen(100, {transfer('a', 100, 95, std::nullopt)}),
         kTwoConfirmations,
         t5 + kMinute,
         Status::open,
         false,
         {},
         0},
        {"lagging node: lower head, log missing, not removed → unchanged",
         Status::paid,
         {payment('a', 100, 100, t5, 101, true)},
         t5,
         200,
         seen(150, {}),
         kTwoConfirmations,
         t10,
         Status::paid,
         false,
         t5,
         1},
        {"lagging node showing fewer confirmations → unchanged",
         Status::detected,
         {payment('a', 100, 100, t5, 1, false)},
         {},
         100,
         seen(99, {transfer('a', 100, 100, t5)}),
         kTwoConfirmations,
         t10,
         Status::detected,
         false,
         {},
         1},
        {"paid → reorged: its payment removed",
         Status::paid,
         {payment('a', 100, 100, t5, 5, true)},
         t5,
         104,
         seen(110, {}, {kTxA}),
         kTwoConfirmations,
         t10,
         Status::reorged,
         true,
         {},
         0},
        {"overpaid → reorged: the payments removed",
         Status::overpaid,
         {payment('a', 100, 100, t5, 5, true), payment('d', 10, 101, t5, 4, true)},
         t5,
         104,
         seen(110, {transfer('d', 10, 101, t5)}, {kTxA}),
         kTwoConfirmations,
         t10,
         Status::reorged,
         true,
         {},
         1},
        {"reorged stays reorged while the replacement is unconfirmed",
         Status::reorged,
         {},
         {},
         110,
         seen(111, {transfer('e', 100, 111, t10, 'c')}),
         kTwoConfirmations,
         t10,
         Status::reorged,
         true,
         {},
         1},
        {"reorged stays reorged after expiry with nothing paid",
         Status::reorged,
         {},
         {},
         110,
         seen(111, {}),
         kTwoConfirmations,
         kExpires + kMinute,
         Status::reorged,
         false,
         {},
         0},
        {"reorged + a confirmed replacement → paid",
         Status::reorged,
         {},
         {},
         110,
         seen(112, {transfer('e', 100, 111, t10, 'c')}),
         kTwoConfirmations,
         t10,
         Status::paid,
         true,
         t10,
         1},
        {"finalized mode: above the finalized block → detected",
         Status::open,
         {},
         {},
         0,
         seen(300, {transfer('a', 100, 100, t5)}, {}, 99),
         kFinalized,
         t10,
         Status::detected,
         true,
         {},
         1},
        {"finalized mode: no finalized block known → detected",
         Status::open,
         {},
         {},
         0,
         seen(300, {transfer('a', 100, 100, t5)}),
         kFinalized,
         t10,
         Status::detected,
         true,
         {},
         1},
        {"finalized mode: at the finalized block → paid",
         Status::detected,
         {payment('a', 100, 100, t5, 150, false)},
         {},
         250,
         seen(300, {transfer('a', 100, 100, t5)}, {}, 100),
         kFinalized,
         t10,
         Status::paid,
         true,
         t5,
         1},
    };
}

} // namespace

TEST_CASE("payment-state transitions", "[sessions][payment_state]") {
    for (const auto& row : rows()) {
        CAPTURE(row.name);
        Session session;
        session.id = "cs_table";
        session.amount_due = 100;
        session.created_at_ms = kCreated;
        session.expires_at_ms = kExpires;
        session.status = row.status;
        session.payments = row.payments;
        session.paid_at_ms = row.paid_at_ms;
        session.head_seen = row.head_seen;

        const bool changed = apply_observation(session, row.observation, row.rules, row.now_ms);
        CHECK(to_string(session.status) == to_string(row.expected));
        CHECK(changed == row.changed);
        CHECK(session.paid_at_ms == row.expected_paid_at_ms);
        CHECK(session.payments.size() == row.expected_payments);
        if (is_fulfilled(session.status)) {
            const Payment* completing = completing_payment(session, row.rules);
            REQUIRE(completing != nullptr);
            CHECK(session.paid_at_ms == completing->time_ms);
        }
        for (const auto& p : session.payments)
            CHECK(p.amount != 0);
    }
}

TEST_CASE("a lagging answer keeps confirmations and the payment as they were",
          "[sessions][payment_state]") {
    Session session;
    session.amount_due = 100;
    session.expires_at_ms = kExpires;
    session.status = Status::paid;
    session.payments = {payment('a', 100, 100, kCreated, 7, true)};
    session.paid_at_ms = kCreated;
    session.head_seen = 106;
    const auto before = session.payments;
    CHECK_FALSE(apply_observation(session, seen(101, {transfer('a', 100, 100, kCreated)}),
                                  kTwoConfirmations, kCreated + kMinute));
    REQUIRE(session.payments.size() == 1);
    CHECK(session.payments[0].confirmations == 7);
    CHECK(session.payments[0].confirmed);
    CHECK(session.head_seen == 106);
}
