// Sweeps: the POST body read strictly, the receipt read for what actually reached the
// treasury, and the whole record → list → balances path through the engine with a scripted
// chain that also keeps token balances.
#include "core/eth/create2.hpp"
#include "core/sweeps/sweep.hpp"
#include "support/driver.hpp"
#include "support/scripted_chain.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

using paylinks::Json;
using paylinks::testing::address_topic;
using paylinks::testing::Driver;
using paylinks::testing::kTestToken;
using paylinks::testing::kTransferTopic;
using paylinks::testing::lower_hex;
using paylinks::testing::ScriptedChain;
namespace sweeps = paylinks::sweeps;

namespace {

constexpr const char* kTreasury = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
constexpr const char* kOther = "0x90f79bf6eb2c4f870365e785982e1f101e93b906";
const std::string kSweepTx = "0x" + std::string(63, '5') + "a";
const std::string kSessionA = "cs_01JZ0000000000000000000001";
const std::string kSessionB = "cs_01JZ0000000000000000000002";

std::string word(std::uint64_t value) {
    char text[67];
    std::snprintf(text, sizeof text, "0x%064llx", static_cast<unsigned long long>(value));
    return text;
}

Json transfer(const std::string& token, const std::string& from, const std::string& to,
              std::uint64_t value, const std::string& tx = kSweepTx, bool removed = false) {
    return Json{{"address", token},
                {"topics", Json::array({kTransferTopic, address_topic(from), address_topic(to)})},
                {"data", word(value)},
                {"transactionHash", tx},
                {"blockNumber", "0x64"},
                {"logIndex", "0x0"},
                {"removed", removed}};
}

Json receipt(Json logs, const std::string& status = "0x1", const std::string& tx = kSweepTx) {
    return Json{{"ok", true},
                {"value",
                 {{"transactionHash", tx},
                  {"blockNumber", "0x64"},
                  {"blockHash", "0x" + std::string(64, 'c')},
                  {"status", status},
                  {"logs", std::move(logs)}}}};
}

paylinks::eth::Address address(const char* text) {
    return *paylinks::eth::parse_address(text);
}

} // namespace

TEST_CASE("a sweep's body is read strictly and every refusal names its field",
          "[sweeps][validation]") {
    const std::string hash = "0x" + std::string(64, 'A');
    struct Case {
        std::string body;
        std::string code; ///< empty: accepted
        std::string param;
    };
    const std::vector<Case> cases = {
        {R"({"transactionHash":")" + hash + R"(","sessions":[")" + kSessionA + R"("]})", "", ""},
        {"[]", "body_not_object", ""},
        {R"({"sessions":[")" + kSessionA + R"("]})", "parameter_missing", "transactionHash"},
        {R"({"transactionHash":")" + hash + R"("})", "parameter_missing", "sessions"},
        {R"({"transactionHash":")" + hash + R"(","sessions":[],"x":1})", "parameter_unknown", "x"},
        {R"({"transactionHash":"0x12","sessions":[")" + kSessionA + R"("]})",
         "transaction_hash_invalid", "transactionHash"},
        {R"({"transactionHash":")" + std::string(66, 'a') + R"(","sessions":[")" + kSessionA +
             R"("]})",
         "transaction_hash_invalid", "transactionHash"},
        {R"({"transactionHash":1,"sessions":[")" + kSessionA + R"("]})", "transaction_hash_invalid",
         "transactionHash"},
        {R"({"transactionHash":")" + hash + R"(","sessions":[]})", "parameter_invalid", "sessions"},
        {R"({"transactionHash":")" + hash + R"(","sessions":")" + kSessionA + R"("})",
         "parameter_invalid", "sessions"},
        {R"({"transactionHash":")" + hash + R"(","sessions":[")" + kSessionA +
             R"(","pl_01JZ0000000000000000000001"]})",
         "parameter_invalid", "sessions[1]"},
        {R"({"transactionHash":")" + hash + R"(","sessions":[")" + kSessionA + R"(",")" +
             kSessionA + R"("]})",
         "parameter_invalid", "sessions[1]"},
        {R"({"transactionHash":")" + hash + R"(","sessions":[7]})", "parameter_invalid",
         "sessions[0]"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.body);
        auto body = paylinks::parse_json(c.body);
        REQUIRE(body);
        auto read = sweeps::read_sweep_request(*body);
        if (c.code.empty()) {
            REQUIRE(std::holds_alternative<sweeps::SweepRequest>(read));
            const auto& request = std::get<sweeps::SweepRequest>(read);
            CHECK(request.transaction_hash == "0x" + std::string(64, 'a'));
            CHECK(request.session_ids == std::vector<std::string>{kSessionA});
        } else {
            REQUIRE(std::holds_alternative<paylinks::http::ApiError>(read));
            const auto& error = std::get<paylinks::http::ApiError>(read);
            CHECK(paylinks::http::error_code_string(error.code) == c.code);
            CHECK(error.param == c.param);
        }
    }
    // More than a batch can hold.
    Json many = Json::array();
    for (int i = 0; i < 501; ++i)
        many.push_back(kSessionA);
    auto read = sweeps::read_sweep_request(Json{{"transactionHash", hash}, {"sessions", many}});
    REQUIRE(std::holds_alternative<paylinks::http::ApiError>(read));
    CHECK(std::get<paylinks::http::ApiError>(read).param == "sessions");
}

TEST_CASE("a sweep counts only the token's transfers from the named addresses to the treasury",
          "[sweeps][receipt]") {
    const auto token = address(kTestToken);
    const auto treasury = address(kTreasury);
    const char* deposit_a = "0x1111111111111111111111111111111111111111";
    const char* deposit_b = "0x2222222222222222222222222222222222222222";
    const std::vector<std::pair<std::string, paylinks::eth::Address>> named = {
        {kSessionA, address(deposit_a)}, {kSessionB, address(deposit_b)}};
    const std::string other_token = "0x0000000000000000000000000000000000000bad";
    Json flushed_event{
        {"address", "0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0"},
        {"topics", Json::array({"0x" + std::string(64, 'e'), address_topic(deposit_a),
                                address_topic(deposit_a), address_topic(kTestToken)})},
        {"data", word(999)}};

    struct Case {
        const char* name;
        Json result;
        std::string code; ///< empty: read
        std::string param;
        std::uint64_t a = 0, b = 0;
    };
    const std::vector<Case> cases = {
        {"both swept, other logs ignored",
         receipt(Json::array({flushed_event, transfer(kTestToken, deposit_a, kTreasury, 25'000'000),
                              transfer(other_token, deposit_b, kTreasury, 7),
                              transfer(kTestToken, deposit_b, kTreasury, 30'000'000),
                              transfer(kTestToken, deposit_b, kOther, 5),
                              transfer(kTestToken, kOther, kTreasury, 11)})),
         "", "", 25'000'000, 30'000'000},
        {"two transfers from one address add up",
         receipt(Json::array({transfer(kTestToken, deposit_a, kTreasury, 1),
                              transfer(kTestToken, deposit_a, kTreasury, 2),
                              transfer(kTestToken, deposit_b, kTreasury, 3)})),
         "", "", 3, 3},
        {"a named session that sent nothing",
         receipt(Json::array({transfer(kTestToken, deposit_a, kTreasury, 1),
                              transfer(kTestToken, deposit_b, kOther, 3)})),
         "transaction_not_sweep", "sessions[1]"},
        {"a removed log is no transfer",
         receipt(Json::array({transfer(kTestToken, deposit_a, kTreasury, 1, kSweepTx, true),
                              transfer(kTestToken, deposit_b, kTreasury, 3)})),
         "transaction_not_sweep", "sessions[0]"},
        {"another token's transfer is not the token's",
         receipt(Json::array({transfer(other_token, deposit_a, kTreasury, 1),
                              transfer(kTestToken, deposit_b, kTreasury, 3)})),
         "transaction_not_sweep", "sessions[0]"},
        {"reverted", receipt(Json::array(), "0x0"), "transaction_not_sweep", "transactionHash"},
        {"unknown", Json{{"ok", true}, {"value", nullptr}}, "transaction_not_found",
         "transactionHash"},
        {"node down", Json{{"ok", false}, {"error", "connect ECONNREFUSED"}},
         "upstream_unavailable", ""},
        {"another transaction's receipt",
         receipt(Json::array(), "0x1", "0x" + std::string(64, '9')), "upstream_unavailable", ""},
        {"malformed status", receipt(Json::array(), "yes"), "upstream_unavailable", ""},
        {"no logs",
         Json{{"ok", true},
              {"value",
               {{"blockNumber", "0x64"},
                {"status", "0x1"},
                {"blockHash", "0x" + std::string(64, 'c')}}}},
         "upstream_unavailable", ""},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        auto read = sweeps::read_sweep_receipt(c.result, kSweepTx, token, treasury, named);
        if (c.code.empty()) {
            REQUIRE(std::holds_alternative<sweeps::ReceiptSweep>(read));
            const auto& sweep = std::get<sweeps::ReceiptSweep>(read);
            REQUIRE(sweep.sessions.size() == 2);
            CHECK(sweep.sessions[0].amount == c.a);
            CHECK(sweep.sessions[1].amount == c.b);
            CHECK(sweep.total == c.a + c.b);
            CHECK(sweep.block_number == 100);
            CHECK(sweep.block_hash == "0x" + std::string(64, 'c'));
        } else {
            REQUIRE(std::holds_alternative<paylinks::http::ApiError>(read));
            const auto& error = std::get<paylinks::http::ApiError>(read);
            CHECK(paylinks::http::error_code_string(error.code) == c.code);
            CHECK(error.param == c.param);
        }
    }
}

TEST_CASE("a sweep's id is its transaction's: the same fact is one key, stored and read back",
          "[sweeps][storage]") {
    const auto id = sweeps::sweep_id(31337, kSweepTx, 1'795'000'000'000);
    CHECK(id == sweeps::sweep_id(31337, kSweepTx, 1'795'000'000'000));
    CHECK(id != sweeps::sweep_id(8453, kSweepTx, 1'795'000'000'000));
    CHECK(id.rfind("sw_", 0) == 0);
    sweeps::Sweep sweep;
    sweep.id = id;
    sweep.transaction_hash = kSweepTx;
    sweep.chain_id = 31337;
    sweep.block_number = 100;
    sweep.block_hash = "0x" + std::string(64, 'c');
    sweep.swept_at_ms = 1'795'000'000'000;
    sweep.token = address(kTestToken);
    sweep.token_symbol = "USDC";
    sweep.token_decimals = 6;
    sweep.treasury = address(kTreasury);
    sweep.amount = *paylinks::num::parse_decimal_u256(
        "115792089237316195423570985008687907853269984665640564039457584007913129639935");
    sweep.sessions = {{kSessionA, address(kOther), sweep.amount}};
    auto back = sweeps::from_storage(sweeps::to_storage(sweep));
    REQUIRE(back);
    CHECK(sweeps::to_storage(*back) == sweeps::to_storage(sweep));
    auto entry = sweeps::read_sweep_metadata(id, sweeps::sweep_metadata(sweep));
    REQUIRE(entry);
    CHECK(entry->amount == sweep.amount);
    CHECK(paylinks::dump_json(sweeps::sweep_metadata(sweep)).size() < 1024);
    CHECK(entry->network.empty()); // a record of the primary, from before several networks
    CHECK(sweeps::to_api_json(sweep, "local")["network"] == "local");
    CHECK(!sweeps::from_storage(R"({"id":"sw_x"})"));

    // A sweep on another network keeps its name in the record, the list entry and the object.
    sweep.network = std::string(32, 'n');
    back = sweeps::from_storage(sweeps::to_storage(sweep));
    REQUIRE(back);
    CHECK(back->network == sweep.network);
    entry = sweeps::read_sweep_metadata(id, sweeps::sweep_metadata(sweep));
    REQUIRE(entry);
    CHECK(entry->network == sweep.network);
    CHECK(paylinks::dump_json(sweeps::sweep_metadata(sweep)).size() < 1024);
    CHECK(sweeps::to_api_json(sweep, "local")["network"] == sweep.network);
}

TEST_CASE("a sweep request may name its network", "[sweeps][request]") {
    const std::string hash = "0x" + std::string(64, 'a');
    auto read = sweeps::read_sweep_request(Json{
        {"transactionHash", hash}, {"sessions", Json::array({kSessionA})}, {"network", "local-b"}});
    REQUIRE(std::holds_alternative<sweeps::SweepRequest>(read));
    CHECK(std::get<sweeps::SweepRequest>(read).network == "local-b");
    read = sweeps::read_sweep_request(
        Json{{"transactionHash", hash}, {"sessions", Json::array({kSessionA})}});
    REQUIRE(std::holds_alternative<sweeps::SweepRequest>(read));
    CHECK(std::get<sweeps::SweepRequest>(read).network.empty());
    for (const Json& bad : {Json(""), Json(7), Json(std::string(65, 'n'))}) {
        read = sweeps::read_sweep_request(Json{
            {"transactionHash", hash}, {"sessions", Json::array({kSessionA})}, {"network", bad}});
        REQUIRE(std::holds_alternative<paylinks::http::ApiError>(read));
        CHECK(std::get<paylinks::http::ApiError>(read).param == "network");
    }
}

namespace {

// The scripted chain plus token balances, treasury() and one flushMany receipt.
struct SweepChain {
    ScriptedChain chain;
    std::map<std::string, std::uint64_t> balances; ///< by lower-case address
    std::vector<Json> sweep_logs;                  ///< the sweep's receipt, once it is "mined"
    int balance_calls = 0;

    Json answer(const Json& effect) {
        const std::string method = effect.value("method", "");
        if (method == "eth_getTransactionReceipt" && effect["params"][0] == kSweepTx) {
            if (sweep_logs.empty()) return ScriptedChain::ok(nullptr);
            Json logs = Json::array();
            for (const auto& log : sweep_logs)
                logs.push_back(chain.shown(log));
            return ScriptedChain::ok(Json{{"transactionHash", kSweepTx},
                                          {"blockNumber", "0x64"},
                                          {"blockHash", chain.hash_of(100)},
                                          {"status", "0x1"},
                                          {"logs", logs}});
        }
        if (method == "eth_call") {
            const std::string data = effect["params"][0].value("data", "");
            if (data == "0x61d027b3")
                return ScriptedChain::ok(word(0).substr(0, 26) + std::string(kTreasury).substr(2));
            if (data.rfind("0x70a08231", 0) == 0) {
                ++balance_calls;
                return ScriptedChain::ok(word(balances["0x" + data.substr(34)]));
            }
        }
        return chain.answer(effect);
    }

    /// flushMany of `deposits`: their balances move to the treasury, in one receipt.
    void sweep(const std::vector<std::string>& deposits) {
        for (const auto& deposit : deposits) {
            sweep_logs.push_back(transfer(kTestToken, deposit, kTreasury, balances[deposit]));
            balances[kTreasury] += balances[deposit];
            balances[deposit] = 0;
        }
    }
};

} // namespace

TEST_CASE("a recorded sweep is verified on chain, stored once, listed, and shown in balances",
          "[sweeps][engine]") {
    Driver driver;
    SweepChain fake;
    driver.rpc = [&fake](const Json& effect) { return fake.answer(effect); };
    std::vector<std::string> ids, deposits;
    for (int i = 0; i < 2; ++i) {
        auto created = driver.api("POST", "/api/v1/checkout_sessions",
                                  Json{{"fiatAmount", "25.00"}, {"fiatCurrency", "USD"}});
        REQUIRE(created.status == 201);
        ids.push_back(created.json["id"].get<std::string>());
        deposits.push_back(lower_hex(created.json["depositAddress"].get<std::string>()));
        fake.chain.pay(deposits.back(), 25'000'000 + i, 99);
        fake.balances[deposits.back()] = 25'000'000 + i;
        driver.now_ms += 4000;
        auto paid = driver.api("GET", "/api/v1/checkout_sessions/" + ids.back());
        REQUIRE(paid.json["status"] == (i == 0 ? "paid" : "overpaid"));
    }
    // An open session is not waiting money.
    auto open = driver.api("POST", "/api/v1/checkout_sessions",
                           Json{{"fiatAmount", "5.00"}, {"fiatCurrency", "USD"}});
    REQUIRE(open.status == 201);

    auto before = driver.api("GET", "/api/v1/balances");
    REQUIRE(before.status == 200);
    CHECK(before.json["tokens"][0]["waiting"] == "50.000001");
    CHECK(before.json["tokens"][0]["collected"] == "0.000000");
    CHECK(before.json["tokens"][0]["fulfilledSessionsChecked"] == 2);
    CHECK(before.json["complete"] == true);
    CHECK(fake.balance_calls == 2);

    Json body{{"transactionHash", kSweepTx}, {"sessions", Json::array({ids[0], ids[1]})}};
    CHECK(driver.api("POST", "/api/v1/sweeps", body).error_code() == "transaction_not_found");
    fake.sweep(deposits);

    auto recorded = driver.api("POST", "/api/v1/sweeps", body);
    REQUIRE(recorded.status == 201);
    CHECK(recorded.json["object"] == "sweep");
    CHECK(recorded.json["amount"] == "50.000001");
    CHECK(recorded.json["sessions"][1]["amount"] == "25.000001");
    CHECK(lower_hex(recorded.json["treasury"].get<std::string>()) == kTreasury);
    CHECK(recorded.json["blockNumber"] == 100);
    const auto id = recorded.json["id"].get<std::string>();

    // The same transaction again: the same sweep, not a second one.
    const auto keys = driver.kv.size();
    auto again = driver.api("POST", "/api/v1/sweeps", body);
    CHECK(again.status == 200);
    CHECK(again.json["id"] == id);
    CHECK(driver.kv.size() == keys);

    // Naming a session the transaction did not sweep is refused.
    Json wrong{{"transactionHash", kSweepTx}, {"sessions", Json::array({ids[0], open.json["id"]})}};
    auto refused = driver.api("POST", "/api/v1/sweeps", wrong);
    CHECK(refused.status == 400);
    CHECK(refused.error_code() == "transaction_not_sweep");
    CHECK(refused.error_param() == "sessions[1]");

    auto list = driver.api("GET", "/api/v1/sweeps");
    REQUIRE(list.status == 200);
    REQUIRE(list.json["data"].size() == 1);
    CHECK(list.json["data"][0]["id"] == id);
    CHECK(driver.api("GET", "/api/v1/sweeps/" + id).json["transactionHash"] == kSweepTx);
    CHECK(driver.api("GET", "/api/v1/sweeps/sw_01JZ0000000000000000000001").status == 404);
    CHECK(driver.api("GET", "/api/v1/sweeps?color=red").error_code() == "parameter_unknown");

    auto after = driver.api("GET", "/api/v1/balances");
    REQUIRE(after.status == 200);
    CHECK(after.json["tokens"][0]["waiting"] == "0.000000");
    CHECK(after.json["tokens"][0]["collected"] == "50.000001");
    CHECK(after.json["tokens"][0]["sweeps"] == 1);
    REQUIRE(after.json["recentSweeps"].size() == 1);
    CHECK(after.json["recentSweeps"][0]["transactionHash"] == kSweepTx);
    CHECK(after.json["recentSweeps"][0]["amount"] == "50.000001");
    CHECK(driver.api("GET", "/api/v1/balances?x=1").error_code() == "parameter_unknown");
}
