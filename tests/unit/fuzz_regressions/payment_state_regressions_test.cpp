// Inputs fuzz_payment_state found, kept so they stay fixed (see fuzz/README.md).
#include "core/sessions/payment_state.hpp"

#include <catch2/catch.hpp>
#include <limits>
#include <string>

using namespace paylinks::sessions;

namespace {

constexpr std::int64_t kCreated = 1'795'000'000'000;

Session session_due(std::uint64_t due) {
    Session session;
    session.id = "cs_fuzz";
    session.amount_due = due;
    session.created_at_ms = kCreated;
    session.expires_at_ms = kCreated + 30 * 60'000;
    return session;
}

ObservedTransfer transfer(char tx, std::uint64_t amount, std::uint64_t block,
                          std::optional<std::int64_t> time_ms) {
    ObservedTransfer t;
    t.log.transaction_hash = "0x" + std::string(64, tx);
    t.log.value = amount;
    t.log.block_number = block;
    t.log.block_hash = "0x" + std::string(63, 'b') + static_cast<char>('0' + block % 10);
    t.block_time_ms = time_ms;
    return t;
}

} // namespace

TEST_CASE("money after the late window does not turn paid into overpaid", "[fuzz]") {
    // fuzz_payment_state: paid in time, then more money mined after expiresAt + late window;
    // the fulfilled branch counted it (overpaid, with an event) where derive_status does not.
    const StateRules rules{2, false, 60 * 60'000};
    auto session = session_due(100);
    ChainObservation chain{
        10, std::nullopt, {transfer('a', 100, 5, kCreated + 60'000)}, {}, {}, true, {}};
    apply_observation(session, chain, rules, kCreated + 120'000);
    REQUIRE(session.status == Status::paid);

    const std::int64_t after_window = session.expires_at_ms + rules.late_window_ms + 1;
    chain.head_block = 20;
    chain.transfers.push_back(transfer('b', 50, 15, after_window));
    const bool changed = apply_observation(session, chain, rules, after_window + 10'000);
    CHECK(session.status == Status::paid);
    CHECK(session.payments.size() == 2); // listed, for a refund
    CHECK(changed);

    // Money in time still makes it overpaid.
    chain.head_block = 30;
    chain.transfers.push_back(transfer('c', 1, 11, kCreated + 600'000));
    apply_observation(session, chain, rules, after_window + 20'000);
    CHECK(session.status == Status::overpaid);
}

TEST_CASE("confirmations saturate instead of wrapping to none", "[fuzz]") {
    // fuzz_payment_state: head 2^64 − 1 over a log in block 0 gave 2^64 → 0 confirmations.
    auto session = session_due(100);
    ChainObservation chain{std::numeric_limits<std::uint64_t>::max(),
                           std::nullopt,
                           {transfer('a', 100, 0, kCreated)},
                           {},
                           {},
                           true,
                           {}};
    apply_observation(session, chain, StateRules{3, false, 0}, kCreated + 60'000);
    REQUIRE(session.payments.size() == 1);
    CHECK(session.payments[0].confirmations == std::numeric_limits<std::uint64_t>::max());
    CHECK(session.payments[0].confirmed);
    CHECK(session.status == Status::paid);
}
