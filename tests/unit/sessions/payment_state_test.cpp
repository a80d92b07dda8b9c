// The payment state machine (core/sessions/payment_state.hpp), one row per transition, and
// the round trip of sessions through their stored form at the full range of every integer.
#include "core/config/config.hpp"
#include "core/money/fiat.hpp"
#include "core/sessions/payment_state.hpp"
#include "core/sessions/pricing.hpp"
#include "core/sessions/session_json.hpp"

#include <catch2/catch.hpp>
#include <limits>
#include <random>
#include <string>

using namespace paylinks;
using namespace paylinks::sessions;

namespace {

constexpr std::int64_t kCreated = 1'795'000'000'000;
constexpr std::int64_t kExpires = kCreated + 30 * 60'000;
constexpr std::int64_t kWindow = 3600'000;

ObservedTransfer transfer(char tx, std::uint64_t amount, std::uint64_t block,
                          std::optional<std::int64_t> time_ms, char fork = 'a') {
    ObservedTransfer t;
    t.log.transaction_hash = "0x" + std::string(64, tx);
    t.log.value = amount;
    t.log.block_number = block;
    t.log.block_hash = "0x" + std::string(63, fork) + static_cast<char>('0' + block % 10);
    t.block_time_ms = time_ms;
    return t;
}

Session session_due(std::uint64_t due) {
    Session session;
    session.id = "cs_test";
    session.amount_due = due;
    session.created_at_ms = kCreated;
    session.expires_at_ms = kExpires;
    return session;
}

struct Step {
    std::uint64_t head;
    std::vector<ObservedTransfer> transfers;
    std::vector<std::string> removed;
    std::int64_t now_ms;
    Status expected;
    bool changed;
    std::optional<std::int64_t> paid_at; ///< expected paidAt
};

struct Row {
    const char* name;
    std::uint64_t due;
    std::vector<Step> steps;
    bool finalized = false;
    std::optional<std::uint64_t> finalized_block = std::nullopt;
};

} // namespace

TEST_CASE("payment state: every transition, row by row", "[payment_state]") {
    const std::int64_t t1 = kCreated + 60'000, late = kExpires + 60'000;
    const auto a = transfer('a', 100, 10, t1);
    const auto half = transfer('b', 50, 10, t1);
    const auto rest = transfer('c', 50, 12, t1 + 4000);
    const auto more = transfer('d', 7, 14, t1 + 8000);
    const std::vector<Row> rows = {
        {"open → detected → paid",
         100,
         {{10, {a}, {}, t1, Status::detected, true, {}},
          {11, {a}, {}, t1 + 2000, Status::paid, true, t1},
          {30, {a}, {}, t1 + 4000, Status::paid, false, t1}}},
        {"underpaid → detected → paid (paidAt is the completing block's time)",
         100,
         {{11, {half}, {}, t1, Status::underpaid, true, {}},
          {12, {half, rest}, {}, t1 + 4000, Status::detected, true, {}},
          {13, {half, rest}, {}, t1 + 6000, Status::paid, true, t1 + 4000}}},
        {"paid → overpaid by a later transfer",
         100,
         {{11, {a}, {}, t1, Status::paid, true, t1},
          {15, {a, more}, {}, t1 + 9000, Status::overpaid, true, t1}}},
        {"mined before expiresAt, first seen after it: paid, not paid_late",
         100,
         {{20, {a}, {}, late, Status::paid, true, t1}}},
        {"expired → paid_late by a block after expiresAt, inside the window",
         100,
         {{5, {}, {}, late, Status::expired, true, {}},
          {21, {transfer('e', 100, 20, late)}, {}, late + 1000, Status::paid_late, true, late}}},
        {"after the late window: listed, not counted",
         100,
         {{21,
           {transfer('f', 100, 20, kExpires + kWindow + 1)},
           {},
           kExpires + kWindow + 2,
           Status::expired,
           true,
           {}}}},
        {"zero-value and time-less transfers are never payments",
         100,
         {{20,
           {transfer('g', 0, 10, t1), transfer('h', 100, 11, std::nullopt)},
           {},
           t1,
           Status::open,
           false,
           {}}}},
        {"a lagging answer (lower head, log missing) changes nothing",
         100,
         {{11, {half}, {}, t1, Status::underpaid, true, {}},
          {8, {}, {}, t1 + 3000, Status::underpaid, false, {}},
          {14, {half}, {}, t1 + 6000, Status::underpaid, false, {}}}},
        {"a reorg removes the payment of a paid session: reorged, then paid again",
         100,
         {{11, {a}, {}, t1, Status::paid, true, t1},
          {20, {}, {a.log.transaction_hash}, t1 + 9000, Status::reorged, true, {}},
          {25, {}, {}, kExpires + 1, Status::reorged, false, {}},
          {26, {transfer('i', 100, 26, t1 + 20'000)}, {}, kExpires + 2, Status::reorged, true, {}},
          {28,
           {transfer('i', 100, 26, t1 + 20'000)},
           {},
           kExpires + 3,
           Status::paid,
           true,
           t1 + 20'000}}},
        {"a detected payment removed by a reorg: back to open",
         100,
         {{10, {a}, {}, t1, Status::detected, true, {}},
          {12, {}, {a.log.transaction_hash}, t1 + 3000, Status::open, true, {}}}},
        {"finalized mode: counted once its block is finalized",
         100,
         {{40, {a}, {}, t1, Status::detected, true, {}}},
         true,
         9},
        {"finalized mode: the finalized block passes it",
         100,
         {{40, {a}, {}, t1, Status::paid, true, t1}},
         true,
         10},
    };
    for (const auto& row : rows) {
        INFO(row.name);
        auto session = session_due(row.due);
        const StateRules rules{2, row.finalized, kWindow};
        int index = 0;
        for (const auto& step : row.steps) {
            INFO("step " << index++);
            ChainObservation observation{step.head, row.finalized_block, step.transfers,
                                         step.removed};
            const bool changed = apply_observation(session, observation, rules, step.now_ms);
            CHECK(to_string(session.status) == to_string(step.expected));
            CHECK(changed == step.changed);
            CHECK(session.paid_at_ms == step.paid_at);
        }
    }
}

TEST_CASE("payment state: confirmations never go down on the same block", "[payment_state]") {
    auto session = session_due(100);
    const StateRules rules{3, false, kWindow};
    const auto a = transfer('a', 100, 10, kCreated);
    apply_observation(session, {14, std::nullopt, {a}, {}}, rules, kCreated);
    REQUIRE(session.payments.size() == 1);
    CHECK(session.payments[0].confirmations == 5);
    CHECK(session.status == Status::paid);
    // A node three blocks behind shows the same log: 2 confirmations by its head, 5 kept.
    CHECK_FALSE(apply_observation(session, {11, std::nullopt, {a}, {}}, rules, kCreated + 1000));
    CHECK(session.payments[0].confirmations == 5);
    CHECK(session.status == Status::paid);
    // The same transaction mined again in another block is a new payment: counted afresh.
    apply_observation(session, {11, std::nullopt, {transfer('a', 100, 11, kCreated, 'z')}, {}},
                      rules, kCreated + 2000);
    CHECK(session.payments[0].confirmations == 1);
    CHECK(session.status == Status::reorged);
}

TEST_CASE("pricing rounds the token amount up, in the token's decimals", "[pricing]") {
    const auto eur = *money::find_currency("EUR");
    const auto jpy = *money::find_currency("JPY");
    // 10.01 EUR at 1.0837 = 10.847837 exactly (6 decimals); at 18 decimals the same.
    CHECK(token_amount_due(1001, eur, *config::parse_rate("1.0837"), 6) ==
          num::uint256(10'847'837));
    CHECK(num::to_decimal(token_amount_due(1001, eur, *config::parse_rate("1.0837"), 18)) ==
          "10847837000000000000");
    // 10.01 EUR at 1.08371 = 10.8479371: rounded up to 10.847938.
    CHECK(token_amount_due(1001, eur, *config::parse_rate("1.08371"), 6) ==
          num::uint256(10'847'938));
    // 1 JPY at 0.0067: 67 base units at 4 decimals exactly; at 2 decimals 0.67 → 1.
    CHECK(token_amount_due(1, jpy, *config::parse_rate("0.0067"), 4) == num::uint256(67));
    CHECK(token_amount_due(1, jpy, *config::parse_rate("0.0067"), 2) == num::uint256(1));
}

TEST_CASE("sessions read back what was written, every integer at its full range", "[storage]") {
    std::mt19937_64 random(20261202);
    auto any_u64 = [&] {
        switch (random() % 4) {
        case 0:
            return std::numeric_limits<std::uint64_t>::max();
        case 1:
            return (std::uint64_t{1} << 63) + (random() % 3);
        default:
            return random();
        }
    };
    for (int round = 0; round < 600; ++round) {
        INFO("round " << round);
        Session session = session_due(1);
        session.amount_due = (num::uint256(random()) << 192) + random();
        session.token_decimals = static_cast<unsigned>(random() % 78);
        session.token_symbol = round % 2 ? "USDC" : "TDAI";
        session.fiat_amount = static_cast<std::int64_t>(random() % 10'000'000'000);
        session.fiat_currency = "EUR";
        session.exchange_rate = "1.0837";
        session.title = "Round " + std::to_string(round);
        if (random() % 2) session.start_block = any_u64();
        session.scanned_to = any_u64();
        session.head_seen = any_u64();
        session.status = static_cast<Status>(random() % 8);
        session.metadata = Json{{"order", std::to_string(round)}};
        for (int i = 0, n = static_cast<int>(random() % 4); i < n; ++i) {
            Payment payment;
            payment.transaction_hash = "0x" + std::string(64, static_cast<char>('a' + i));
            payment.log_index = any_u64();
            payment.amount = (num::uint256(random()) << 128) + random();
            payment.block_number = any_u64();
            payment.block_hash = "0x" + std::string(64, static_cast<char>('0' + i));
            payment.time_ms = kCreated + static_cast<std::int64_t>(random() % 1'000'000);
            payment.confirmations = any_u64();
            payment.confirmed = random() % 2;
            session.payments.push_back(payment);
        }
        if (random() % 2) session.paid_at_ms = kCreated + 5;
        auto back = from_storage(to_storage(session));
        REQUIRE(back.has_value());
        CHECK(back->amount_due == session.amount_due);
        CHECK(back->token_decimals == session.token_decimals);
        CHECK(back->token_symbol == session.token_symbol);
        CHECK(back->start_block == session.start_block);
        CHECK(back->scanned_to == session.scanned_to);
        CHECK(back->head_seen == session.head_seen);
        CHECK(back->status == session.status);
        CHECK(back->paid_at_ms == session.paid_at_ms);
        CHECK(back->fiat_amount == session.fiat_amount);
        REQUIRE(back->payments.size() == session.payments.size());
        for (std::size_t i = 0; i < session.payments.size(); ++i) {
            const auto& p = session.payments[i];
            const auto& q = back->payments[i];
            CHECK(q.log_index == p.log_index);
            CHECK(q.block_number == p.block_number);
            CHECK(q.confirmations == p.confirmations);
            CHECK(q.amount == p.amount);
            CHECK(q.block_hash == p.block_hash);
            CHECK(q.time_ms == p.time_ms);
            CHECK(q.confirmed == p.confirmed);
        }
        // The watch index's metadata reads back too.
        auto entry = read_watch_metadata(session.id, watch_metadata(session));
        REQUIRE(entry.has_value());
        CHECK(entry->start_block == session.start_block);
        CHECK(entry->scanned_to == session.scanned_to);
    }
}
