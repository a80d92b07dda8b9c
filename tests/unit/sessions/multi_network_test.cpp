// Payments on several networks and tokens toward one session: exact sums in the finest
// decimals, each network's payments updated only by its own observations.
#include "core/config/config.hpp"
#include "core/sessions/payment_state.hpp"
#include "core/sessions/pricing.hpp"
#include "core/sessions/session_json.hpp"

#include <catch2/catch.hpp>

using namespace paylinks;
using namespace paylinks::sessions;

namespace {

constexpr std::int64_t kCreated = 1'795'000'000'000;
const StateRules kOneConfirmation{1, false, 60 * 60'000};

eth::Address token(std::uint8_t last) {
    eth::Address address{};
    address.bytes[19] = last;
    return address;
}

// 10 USD due in 18 decimals, payable as USDC (6) on "local" or DAI-like (18) on "local-b".
Session two_option_session() {
    Session session;
    session.id = "cs_test";
    session.token_decimals = 18;
    session.amount_due = num::uint256(10) * num::uint256("1000000000000000000");
    session.options = {
        PaymentOption{"local", 31337, token(1), "USDC", 6,
                      option_amount_due(session.amount_due, 18, 6)},
        PaymentOption{"local-b", 31338, token(2), "DAI", 18, session.amount_due},
    };
    session.created_at_ms = kCreated;
    session.expires_at_ms = kCreated + 30 * 60'000;
    return session;
}

ObservedTransfer transfer(const eth::Address& from_token, char tx, const num::uint256& value,
                          std::uint64_t block, std::int64_t time_ms) {
    ObservedTransfer t;
    t.log.token = from_token;
    t.log.transaction_hash = "0x" + std::string(64, tx);
    t.log.value = value;
    t.log.block_number = block;
    t.log.block_hash = "0x" + std::string(63, 'b') + std::to_string(block % 10);
    t.block_time_ms = time_ms;
    return t;
}

ChainObservation observe(const Session& session, const std::string& network, bool primary,
                         std::uint64_t head, std::vector<ObservedTransfer> transfers) {
    ChainObservation observation;
    observation.network = network;
    observation.primary = primary;
    observation.head_block = head;
    observation.transfers = std::move(transfers);
    for (const auto& option : session.options)
        if (option.network == network)
            observation.accepted.push_back({option.token, option.decimals});
    return observation;
}

} // namespace

TEST_CASE("an option's amount is the amount due rounded up to its decimals",
          "[sessions][networks]") {
    CHECK(option_amount_due(num::uint256("10000000000000000000"), 18, 6) == 10'000'000);
    CHECK(option_amount_due(num::uint256("10000000000000000001"), 18, 6) == 10'000'001);
    CHECK(option_amount_due(num::uint256(1), 18, 0) == 1);
    CHECK(option_amount_due(num::uint256(0), 18, 6) == 0);
    CHECK(option_amount_due(num::uint256(123), 6, 6) == 123);
}

TEST_CASE("a payment split across two networks and decimals adds up exactly",
          "[sessions][networks]") {
    auto session = two_option_session();
    // 4 USDC (6 decimals) on local, then 6 DAI (18 decimals) on local-b.
    auto first =
        observe(session, "local", true, 100,
                {transfer(token(1), 'a', num::uint256(4'000'000), 100, kCreated + 60'000)});
    CHECK(apply_observation(session, first, kOneConfirmation, kCreated + 61'000));
    CHECK(session.status == Status::underpaid);
    CHECK(session.amount_confirmed() == num::uint256("4000000000000000000"));
    CHECK(session.amount_remaining() == num::uint256("6000000000000000000"));

    // local-b's answer shows only its own payment; local's stays as it was.
    auto second = observe(
        session, "local-b", false, 7,
        {transfer(token(2), 'b', num::uint256("5999999999999999999"), 7, kCreated + 120'000)});
    CHECK(apply_observation(session, second, kOneConfirmation, kCreated + 121'000));
    REQUIRE(session.payments.size() == 2);
    CHECK(session.status == Status::underpaid); // one wei short
    CHECK(session.amount_remaining() == 1);

    auto top_up = observe(
        session, "local-b", false, 8,
        {transfer(token(2), 'b', num::uint256("5999999999999999999"), 7, kCreated + 120'000),
         transfer(token(2), 'c', num::uint256(1), 8, kCreated + 130'000)});
    CHECK(apply_observation(session, top_up, kOneConfirmation, kCreated + 131'000));
    CHECK(session.status == Status::paid);
    CHECK(session.paid_at_ms == kCreated + 130'000);
    REQUIRE(session.payments.size() == 3);
    CHECK(session.payments[0].network == "local");
    CHECK(session.payments[0].decimals == 6u);
    CHECK(session.payments[1].network == "local-b");
    CHECK(session.payments[2].token == token(2));
}

TEST_CASE("one network's observation never removes another's payments", "[sessions][networks]") {
    auto session = two_option_session();
    auto paid = observe(session, "local-b", false, 9,
                        {transfer(token(2), 'a', session.amount_due, 9, kCreated + 60'000)});
    CHECK(apply_observation(session, paid, kOneConfirmation, kCreated + 61'000));
    CHECK(session.status == Status::paid);
    // The same transaction hash on the primary, proved gone there: local-b's stands.
    auto primary = observe(session, "local", true, 50, {});
    primary.removed_transactions.push_back("0x" + std::string(64, 'a'));
    CHECK_FALSE(apply_observation(session, primary, kOneConfirmation, kCreated + 62'000));
    CHECK(session.payments.size() == 1);
    CHECK(session.status == Status::paid);
}

TEST_CASE("a token that is not one of the session's options pays nothing", "[sessions][networks]") {
    auto session = two_option_session();
    auto other = observe(session, "local-b", false, 9,
                         {transfer(token(1), 'a', session.amount_due, 9, kCreated + 60'000)});
    CHECK_FALSE(apply_observation(session, other, kOneConfirmation, kCreated + 61'000));
    CHECK(session.payments.empty());
    CHECK(session.status == Status::open);
}

TEST_CASE("options, per-payment networks and cursors survive storage", "[sessions][networks]") {
    auto session = two_option_session();
    session.title = "t";
    session.fiat_currency = "USD";
    session.exchange_rate = "1";
    auto paid = observe(session, "local-b", false, 9,
                        {transfer(token(2), 'a', num::uint256(5), 9, kCreated + 60'000)});
    (void)apply_observation(session, paid, kOneConfirmation, kCreated + 61'000);
    session.other_chains["local-b"] = ChainCursor{3, 9, 9};
    auto restored = from_storage(to_storage(session));
    REQUIRE(restored);
    REQUIRE(restored->options.size() == 2);
    CHECK(restored->options[1].network == "local-b");
    CHECK(restored->options[1].decimals == 18);
    CHECK(restored->options[0].amount_due == 10'000'000);
    REQUIRE(restored->payments.size() == 1);
    CHECK(restored->payments[0].network == "local-b");
    CHECK(restored->payments[0].token == token(2));
    CHECK(restored->payments[0].decimals == 18u);
    CHECK(restored->other_chains.at("local-b").start_block == 3u);
    CHECK(restored->other_chains.at("local-b").scanned_to == 9);

    // The watch metadata carries local-b's cursor and its newest payment block.
    auto entry = read_watch_metadata(session.id, record_metadata(*restored));
    REQUIRE(entry);
    REQUIRE(entry->other_chains.count("local-b"));
    CHECK(entry->other_chains.at("local-b").start_block == 3u);
    CHECK(entry->other_chains.at("local-b").newest_payment_block == 9);
    CHECK(entry->other_chains.at("local-b").payment_count == 1);
    CHECK(entry->newest_payment_block == 0); // none on the primary
}

TEST_CASE("the API object lists every option with its own URI, and each payment's network",
          "[sessions][networks]") {
    auto env = Json{{"API_KEY", "sk_test_local"},
                    {"NETWORK", "local"},
                    {"RPC_URL", "http://127.0.0.1:8545"},
                    {"TOKEN_ADDRESS", "0x5FbDB2315678afecb367f032d93F642f64180aa3"},
                    {"FORWARDER_FACTORY", "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"},
                    {"FORWARDER_IMPLEMENTATION", "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"},
                    {"TOKEN_DECIMALS", "6"}};
    const auto config = config::load_config(env);
    REQUIRE(config.error.empty());
    auto session = two_option_session();
    session.deposit_address = token(0x77);
    auto paid = observe(
        session, "local-b", false, 9,
        {transfer(token(2), 'a', num::uint256("2500000000000000000"), 9, kCreated + 60'000)});
    (void)apply_observation(session, paid, kOneConfirmation, kCreated + 61'000);
    const auto object = to_public_json(session, config, "");
    const auto& options = object["paymentOptions"];
    REQUIRE(options.size() == 2);
    const std::string deposit = eth::to_checksum_address(session.deposit_address);
    CHECK(options[0]["network"].get<std::string>() == "local");
    CHECK(options[0]["amountDue"].get<std::string>() == "10.000000");
    CHECK(options[0]["paymentUri"].get<std::string>() ==
          "ethereum:" + eth::to_checksum_address(token(1)) + "@31337/transfer?address=" + deposit +
              "&uint256=10000000");
    CHECK(options[1]["chainId"].get<std::uint64_t>() == 31338);
    CHECK(options[1]["token"]["decimals"].get<std::uint64_t>() == 18);
    CHECK(options[1]["amountDue"].get<std::string>() == "10.000000000000000000");
    CHECK(options[1]["paymentUri"].get<std::string>() ==
          "ethereum:" + eth::to_checksum_address(token(2)) + "@31338/transfer?address=" + deposit +
              "&uint256=10000000000000000000");
    const auto& payment = object["payments"][0];
    CHECK(payment["network"].get<std::string>() == "local-b");
    CHECK(payment["token"].get<std::string>() == eth::to_checksum_address(token(2)));
    CHECK(payment["amount"].get<std::string>() == "2.500000000000000000");
    CHECK(object["amountReceived"].get<std::string>() == "2.500000000000000000");
}
