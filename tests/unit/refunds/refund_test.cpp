// Refunds: which transfers prove which pending refunds (a table of cases), the body and terms
// of a create, and the whole create → pay → prove path through the engine with a scripted
// chain: wrong transfers are not counted, the right one is, once, and the session shows it.
#include "core/http/router.hpp"
#include "core/refunds/refund.hpp"
#include "support/driver.hpp"
#include "support/scripted_chain.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <string>
#include <vector>

using paylinks::Json;
using paylinks::testing::address_topic;
using paylinks::testing::Driver;
using paylinks::testing::hex_quantity;
using paylinks::testing::kTestCustomer;
using paylinks::testing::kTestToken;
using paylinks::testing::kTransferTopic;
using paylinks::testing::lower_hex;
using paylinks::testing::ScriptedChain;
namespace refunds = paylinks::refunds;
namespace eth = paylinks::eth;

namespace {

constexpr const char* kTreasury = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
constexpr const char* kOther = "0x90f79bf6eb2c4f870365e785982e1f101e93b906";
constexpr const char* kPayer = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";

eth::Address address(const char* text) {
    return *eth::parse_address(text);
}

eth::TransferLog log_of(const char* from, const char* to, std::uint64_t value, std::uint64_t block,
                        std::uint64_t log_index = 0, char tx = '1',
                        const char* token = kTestToken) {
    eth::TransferLog log;
    log.token = address(token);
    log.from = address(from);
    log.to = address(to);
    log.value = value;
    log.transaction_hash = "0x" + std::string(64, tx);
    log.block_number = block;
    log.log_index = log_index;
    return log;
}

refunds::PendingEntry pending(const char* id, const char* to, std::uint64_t amount,
                              std::uint64_t start) {
    return refunds::PendingEntry{id,
                                 "cs_01JZ0000000000000000000001",
                                 "local",
                                 address(kTestToken),
                                 address(kTreasury),
                                 address(to),
                                 amount,
                                 start};
}

const char* kRefundA = "re_01JZ0000000000000000000001";
const char* kRefundB = "re_01JZ0000000000000000000002";

// A Transfer log as a node shows it, from any sender.
Json chain_log(const std::string& from, const std::string& to, std::uint64_t value,
               std::uint64_t block, int n) {
    char data[67];
    std::snprintf(data, sizeof data, "0x%064llx", static_cast<unsigned long long>(value));
    char tx[67];
    std::snprintf(tx, sizeof tx, "0x%064x", 0xabc000 + n);
    return Json{{"address", kTestToken},
                {"topics", Json::array({kTransferTopic, address_topic(from), address_topic(to)})},
                {"data", data},
                {"transactionHash", tx},
                {"blockNumber", hex_quantity(block)},
                {"logIndex", "0x0"},
                {"removed", false}};
}

// Holds what the driver's effects since `from` cost to the route's budget.
void check_budget(const Driver& driver, std::size_t from, const std::string& method,
                  const std::string& path) {
    int reads = 0, writes = 0, lists = 0, rpc = 0;
    for (std::size_t i = from; i < driver.effect_log.size(); ++i) {
        const std::string op = driver.effect_log[i].value("op", "");
        reads += op == "kv.get";
        writes += op == "kv.put" || op == "kv.delete";
        lists += op == "kv.list";
        rpc += op == "rpc";
    }
    auto matched = paylinks::http::match_route(method, path);
    REQUIRE(std::holds_alternative<paylinks::http::RouteMatch>(matched));
    const auto budget = std::get<paylinks::http::RouteMatch>(matched).policy.budget;
    CAPTURE(method, path, reads, writes, lists, rpc);
    CHECK(reads <= budget.kv_reads);
    CHECK(writes <= budget.kv_writes);
    CHECK(lists <= budget.kv_lists);
    CHECK(rpc <= budget.rpc_calls);
}

} // namespace

TEST_CASE("a transfer proves a refund only from its sender, to its address, of its amount and "
          "token, after its creation, and proves one refund only",
          "[refunds]") {
    struct Case {
        const char* name;
        std::vector<refunds::PendingEntry> pending;
        std::vector<eth::TransferLog> transfers;
        std::map<std::string, std::string> claims;
        std::uint64_t confirmed_through;
        // refund id → (transfer index, confirmed); refunds absent are unmatched
        std::vector<std::tuple<std::string, std::size_t, bool>> expected;
    };
    auto removed = log_of(kTreasury, kPayer, 5, 20);
    removed.removed = true;
    const std::vector<Case> cases = {
        {"exact",
         {pending(kRefundA, kPayer, 5, 10)},
         {log_of(kTreasury, kPayer, 5, 12)},
         {},
         15,
         {{kRefundA, 0, true}}},
        {"not yet confirmed: held, not done",
         {pending(kRefundA, kPayer, 5, 10)},
         {log_of(kTreasury, kPayer, 5, 12)},
         {},
         11,
         {{kRefundA, 0, false}}},
        {"wrong sender",
         {pending(kRefundA, kPayer, 5, 10)},
         {log_of(kOther, kPayer, 5, 12)},
         {},
         15,
         {}},
        {"wrong amount (less)",
         {pending(kRefundA, kPayer, 5, 10)},
         {log_of(kTreasury, kPayer, 4, 12)},
         {},
         15,
         {}},
        {"wrong amount (more)",
         {pending(kRefundA, kPayer, 5, 10)},
         {log_of(kTreasury, kPayer, 6, 12)},
         {},
         15,
         {}},
        {"wrong recipient",
         {pending(kRefundA, kPayer, 5, 10)},
         {log_of(kTreasury, kOther, 5, 12)},
         {},
         15,
         {}},
        {"wrong token",
         {pending(kRefundA, kPayer, 5, 10)},
         {log_of(kTreasury, kPayer, 5, 12, 0, '1', kOther)},
         {},
         15,
         {}},
        {"before the refund existed",
         {pending(kRefundA, kPayer, 5, 10)},
         {log_of(kTreasury, kPayer, 5, 9)},
         {},
         15,
         {}},
        {"in its start block",
         {pending(kRefundA, kPayer, 5, 10)},
         {log_of(kTreasury, kPayer, 5, 10)},
         {},
         15,
         {{kRefundA, 0, true}}},
        {"removed by a reorg", {pending(kRefundA, kPayer, 5, 10)}, {removed}, {}, 30, {}},
        {"one transfer, two like refunds: the older takes it",
         {pending(kRefundB, kPayer, 5, 10), pending(kRefundA, kPayer, 5, 10)},
         {log_of(kTreasury, kPayer, 5, 12)},
         {},
         15,
         {{kRefundA, 0, true}}},
        {"two transfers, two like refunds: in order",
         {pending(kRefundA, kPayer, 5, 10), pending(kRefundB, kPayer, 5, 10)},
         {log_of(kTreasury, kPayer, 5, 14, 0, '2'), log_of(kTreasury, kPayer, 5, 12, 0, '1')},
         {},
         15,
         {{kRefundA, 1, true}, {kRefundB, 0, true}}},
        {"a transfer claimed by another refund is not taken",
         {pending(kRefundB, kPayer, 5, 10)},
         {log_of(kTreasury, kPayer, 5, 12)},
         {{"0x" + std::string(64, '1') + ":0", kRefundA}},
         15,
         {}},
        {"its own claim is its own",
         {pending(kRefundA, kPayer, 5, 10)},
         {log_of(kTreasury, kPayer, 5, 12)},
         {{"0x" + std::string(64, '1') + ":0", kRefundA}},
         15,
         {{kRefundA, 0, true}}},
        {"a claimed transfer leaves the next one for the refund",
         {pending(kRefundB, kPayer, 5, 10)},
         {log_of(kTreasury, kPayer, 5, 12, 0, '1'), log_of(kTreasury, kPayer, 5, 13, 0, '2')},
         {{"0x" + std::string(64, '1') + ":0", kRefundA}},
         15,
         {{kRefundB, 1, true}}},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        auto matches =
            refunds::match_refunds(c.pending, c.transfers, c.claims, c.confirmed_through);
        REQUIRE(matches.size() == c.expected.size());
        for (std::size_t i = 0; i < matches.size(); ++i) {
            CHECK(matches[i].refund_id == std::get<0>(c.expected[i]));
            CHECK(matches[i].transfer == std::get<1>(c.expected[i]));
            CHECK(matches[i].confirmed == std::get<2>(c.expected[i]));
        }
    }
}

TEST_CASE("a refund's body is read strictly", "[refunds]") {
    struct Case {
        Json body;
        std::string code, param;
    };
    const std::vector<Case> cases = {
        {Json::array(), "body_not_object", ""},
        {Json{{"amount", 5}}, "amount_invalid", "amount"},
        {Json{{"address", "0x1234"}}, "address_invalid", "address"},
        {Json{{"address", "0x" + std::string(40, '0')}}, "address_invalid", "address"},
        {Json{{"reason", std::string(501, 'x')}}, "parameter_invalid", "reason"},
        {Json{{"note", "x"}}, "parameter_unknown", "note"},
    };
    for (const auto& c : cases) {
        CAPTURE(paylinks::dump_json(c.body));
        auto read = refunds::read_refund_request(c.body);
        auto* error = std::get_if<paylinks::http::ApiError>(&read);
        REQUIRE(error);
        CHECK(paylinks::http::error_code_string(error->code) == c.code);
        CHECK(error->param == c.param);
    }
    auto read = refunds::read_refund_request(
        Json{{"amount", "1.5"}, {"address", kOther}, {"reason", "returned"}});
    REQUIRE(std::holds_alternative<refunds::RefundRequest>(read));
    CHECK(std::get<refunds::RefundRequest>(read).amount == "1.5");
}

TEST_CASE("a refund is paid back where the money came in, in that token's own units", "[refunds]") {
    namespace sessions = paylinks::sessions;
    const auto token_b = address("0x5fbdb2315678afecb367f032d93f642f64180aa3");
    auto payment = [](std::string network, eth::Address token, unsigned decimals, const char* from,
                      std::uint64_t amount, bool confirmed = true) {
        sessions::Payment p;
        p.network = std::move(network);
        p.token = token;
        p.decimals = decimals;
        p.from = address(from);
        p.amount = amount;
        p.confirmed = confirmed;
        return p;
    };
    // The session counts in 18 decimals (its finest option); "local-b" pays in a 6-decimal
    // token, scaled up by 10^12 when counted.
    sessions::Session session;
    session.token_decimals = 18;
    session.deposit_address = address(kOther);
    const auto scale = paylinks::num::uint256(1'000'000'000'000ULL);

    struct Case {
        const char* name;
        std::vector<sessions::Payment> payments;
        refunds::RefundRequest request;
        std::string network, code; ///< the network paid back on, or the refusal
        paylinks::num::uint256 amount = 0;
        unsigned decimals = 0;
    };
    const std::vector<Case> cases = {
        {"one payment on the second network: all of it, back there, in 6 decimals",
         {payment("local-b", token_b, 6, kPayer, 25'000'000)},
         {},
         "local-b",
         "",
         25'000'000,
         6},
        {"the newest confirmed payment from that address decides, not the newest of all",
         {payment("local-b", token_b, 6, kPayer, 5'000'000), payment("", {}, 18, kTreasury, 1)},
         {std::nullopt, address(kPayer), std::nullopt},
         "local-b",
         "",
         5'000'000,
         6},
        {"an unconfirmed payment is not where a refund goes",
         {payment("", {}, 18, kPayer, 7), payment("local-b", token_b, 6, kPayer, 9, false)},
         {},
         "",
         "",
         7,
         18},
        {"an amount finer than the token can carry is refused",
         {payment("local-b", token_b, 6, kPayer, 25'000'000)},
         {std::string("1.0000000000001"), std::nullopt, std::nullopt},
         "",
         "amount_invalid"},
        {"two payers and no address: which one must be said",
         {payment("local-b", token_b, 6, kPayer, 1), payment("", {}, 18, kTreasury, 1)},
         {},
         "",
         "parameter_missing"},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        session.payments = c.payments;
        auto terms = refunds::decide_terms(session, c.request);
        if (!c.code.empty()) {
            auto* error = std::get_if<paylinks::http::ApiError>(&terms);
            REQUIRE(error);
            CHECK(paylinks::http::error_code_string(error->code) == c.code);
            continue;
        }
        REQUIRE(std::holds_alternative<refunds::RefundTerms>(terms));
        const auto& t = std::get<refunds::RefundTerms>(terms);
        CHECK(t.network == c.network);
        CHECK(t.decimals == c.decimals);
        CHECK(t.amount == c.amount);
        // What is transferred, counted as the session counts, is never more than it received.
        auto counted = t.amount;
        if (t.decimals == 6) counted *= scale;
        CHECK(counted <= session.amount_confirmed());
    }
}

TEST_CASE("a refund is created, not proven by wrong transfers, proven once by the right one, "
          "and the session shows it",
          "[refunds][engine]") {
    auto env = Driver::default_env();
    env["TREASURY"] = kTreasury;
    Driver driver(env);
    ScriptedChain chain;
    driver.rpc = [&chain](const Json& effect) { return chain.answer(effect); };

    // Idle: the tick lists nothing and asks the chain nothing for refunds.
    auto idle_from = driver.effect_log.size();
    driver.scheduled();
    for (auto i = idle_from; i < driver.effect_log.size(); ++i) {
        const auto& effect = driver.effect_log[i];
        CHECK(!(effect.value("op", "") == "kv.list" && effect.value("prefix", "") == "rp/"));
        CHECK(!(effect.value("op", "") == "rpc" &&
                paylinks::dump_json(effect).find(address_topic(kTreasury)) != std::string::npos));
    }

    auto created = driver.api("POST", "/api/v1/checkout_sessions",
                              Json{{"fiatAmount", "25.00"}, {"fiatCurrency", "USD"}});
    REQUIRE(created.status == 201);
    const auto session = created.json["id"].get<std::string>();
    const auto deposit = lower_hex(created.json["depositAddress"].get<std::string>());
    const std::string refunds_path = "/api/v1/checkout_sessions/" + session + "/refunds";

    // Nothing confirmed yet: nothing to refund.
    CHECK(driver.api("POST", refunds_path, Json::object()).error_code() ==
          "session_not_refundable");
    chain.pay(deposit, 25'000'000, 99);
    driver.now_ms += 4000;
    REQUIRE(driver.api("GET", "/api/v1/checkout_sessions/" + session).json["status"] == "paid");

    CHECK(driver.api("POST", refunds_path, Json{{"amount", "25.000001"}}).error_code() ==
          "refund_amount_too_large");
    CHECK(driver.api("POST", refunds_path, Json{{"amount", "0"}}).error_code() == "amount_invalid");
    auto before_create = driver.effect_log.size();
    auto partial = driver.api("POST", refunds_path, Json{{"amount", "10"}});
    check_budget(driver, before_create, "POST", refunds_path);
    REQUIRE(partial.status == 201);
    CHECK(partial.json["status"] == "pending");
    CHECK(partial.json["amount"] == "10.000000");
    CHECK(lower_hex(partial.json["address"].get<std::string>()) == kTestCustomer);
    CHECK(lower_hex(partial.json["sender"].get<std::string>()) == kTreasury);
    CHECK(partial.json["startBlock"] == 101);
    CHECK(partial.json["network"] == "local");
    const auto partial_id = partial.json["id"].get<std::string>();
    // The rest by default.
    driver.now_ms += 1000;
    auto rest = driver.api("POST", refunds_path, Json::object());
    REQUIRE(rest.status == 201);
    CHECK(rest.json["amount"] == "15.000000");
    CHECK(driver.api("POST", refunds_path, Json::object()).error_code() ==
          "session_not_refundable");

    const auto before_list = driver.effect_log.size();
    auto listed = driver.api("GET", refunds_path);
    check_budget(driver, before_list, "GET", refunds_path);
    REQUIRE(listed.json["data"].size() == 2);
    CHECK(listed.json["data"][0]["id"].get<std::string>() ==
          rest.json["id"].get<std::string>()); // newest first
    CHECK(driver.api("GET", "/api/v1/refunds?limit=1").json["has_more"] == true);

    // Transfers that are not the refund: wrong sender, wrong amount, wrong recipient, and
    // the right one before the refund existed.
    chain.logs.push_back(chain_log(kOther, kTestCustomer, 10'000'000, 101, 1));
    chain.logs.push_back(chain_log(kTreasury, kTestCustomer, 9'999'999, 101, 2));
    chain.logs.push_back(chain_log(kTreasury, kOther, 10'000'000, 101, 3));
    chain.logs.push_back(chain_log(kTreasury, kTestCustomer, 10'000'000, 100, 4));
    chain.head = 110;
    driver.now_ms += 4000;
    auto report = driver.scheduled();
    CHECK(report["result"]["refundsPending"] == 2);
    CHECK(report["result"]["refundsSucceeded"] == 0);
    CHECK(driver.api("GET", "/api/v1/refunds/" + partial_id).json["status"] == "pending");

    // The right transfer: one confirmation of two, then two.
    chain.logs.push_back(chain_log(kTreasury, kTestCustomer, 10'000'000, 111, 5));
    chain.head = 111;
    driver.now_ms += 4000;
    driver.scheduled();
    CHECK(driver.api("GET", "/api/v1/refunds/" + partial_id).json["status"] == "pending");
    chain.head = 112;
    driver.now_ms += 4000;
    report = driver.scheduled();
    CHECK(report["result"]["refundsSucceeded"] == 1);
    auto done = driver.api("GET", "/api/v1/refunds/" + partial_id);
    CHECK(done.json["status"] == "succeeded");
    CHECK(done.json["blockNumber"] == 111);
    CHECK(!done.json.contains("qrSvg"));
    auto shown = driver.api("GET", "/api/v1/checkout_sessions/" + session);
    CHECK(shown.json["status"] == "partially_refunded");
    CHECK(shown.json["amountRefunded"] == "10.000000");

    // Ticks again: nothing more, no second event.
    driver.now_ms += 4000;
    report = driver.scheduled();
    CHECK(report["result"]["refundsSucceeded"] == 0);
    int partial_events = 0, refund_events = 0;
    for (const auto& [key, stored] : driver.kv) {
        if (key.rfind("evt/", 0) != 0) continue;
        if (stored.metadata.value("t", "") == "checkout_session.partially_refunded")
            ++partial_events;
        if (stored.metadata.value("t", "") == "refund.succeeded") ++refund_events;
    }
    CHECK(partial_events == 1);
    CHECK(refund_events == 1);

    // The rest, checked by the merchant's retrieve.
    chain.logs.push_back(chain_log(kTreasury, kTestCustomer, 15'000'000, 113, 6));
    chain.head = 114;
    driver.now_ms += 4000;
    const auto before_retrieve = driver.effect_log.size();
    const auto rest_path = "/api/v1/refunds/" + rest.json["id"].get<std::string>();
    auto second = driver.api("GET", rest_path);
    check_budget(driver, before_retrieve, "GET", rest_path);
    CHECK(second.json["status"] == "succeeded");
    shown = driver.api("GET", "/api/v1/checkout_sessions/" + session);
    CHECK(shown.json["status"] == "refunded");
    CHECK(shown.json["amountRefunded"] == "25.000000");
    CHECK(shown.json["refunds"].size() == 2);
    // A list shows it too (the record's own status, in its metadata, stays the payment's).
    auto listed_sessions = driver.api("GET", "/api/v1/checkout_sessions?status=paid");
    REQUIRE(listed_sessions.json["data"].size() == 1);
    CHECK(listed_sessions.json["data"][0]["status"] == "refunded");
}
