// The watcher on two networks, through the engine and the effect protocol: rpc effects of
// the second network carry its URLs (and only those reach its scripted chain), a payment on
// either counts, a poll stays within its route budget per network, and a network that is
// down leaves the other's payments counting, on a poll and on the cron tick.
#include "core/sessions/session_json.hpp"
#include "support/driver.hpp"
#include "support/scripted_chain.hpp"

#include <catch2/catch.hpp>
#include <string>

using paylinks::Json;
using paylinks::testing::Driver;
using paylinks::testing::ScriptedChain;

namespace {

constexpr const char* kSecondUrl = "http://127.0.0.1:8546";

struct TwoChains {
    Driver driver;
    ScriptedChain a, b;
    int rpc_to_b_without_urls = 0;
    /// balanceOf answers: every address holds `held` on its chain; the calls are counted.
    std::uint64_t held_a = 0, held_b = 0;
    int balance_calls_a = 0, balance_calls_b = 0;

    TwoChains()
        : driver(env()) {
        b.chain_id = "0x7a6a"; // 31338
        b.head = 40;
        driver.rpc = [this](const Json& effect) {
            const bool on_b = effect.contains("urls");
            if (on_b) {
                REQUIRE(effect["urls"].size() == 1);
                CHECK(effect["urls"][0].get<std::string>() == kSecondUrl);
            }
            ScriptedChain& chain = on_b ? b : a;
            if (!chain.down && effect.value("method", "") == "eth_call" &&
                effect["params"][0].value("data", "").rfind("0x70a08231", 0) == 0) {
                ++(on_b ? balance_calls_b : balance_calls_a);
                char word[67];
                std::snprintf(word, sizeof word, "0x%064llx",
                              static_cast<unsigned long long>(on_b ? held_b : held_a));
                return ScriptedChain::ok(word);
            }
            return chain.answer(effect);
        };
    }
    static Json env() {
        auto env = Driver::default_env();
        env["NETWORKS"] =
            std::string(R"([{"network":"local-b","chainId":31338,"rpcUrl":")") + kSecondUrl +
            R"(","confirmations":1,"blockTimeMs":1000,"tokens":[{"symbol":"USDC",)"
            R"("address":"0x5FbDB2315678afecb367f032d93F642f64180aa3","decimals":6}]}])";
        return env;
    }
    Json create() {
        auto created = driver.api("POST", "/api/v1/checkout_sessions",
                                  Json{{"fiatAmount", "25.00"}, {"fiatCurrency", "USD"}});
        REQUIRE(created.status == 201);
        return created.json;
    }
    paylinks::testing::HttpAnswer status(const Json& session) {
        driver.now_ms += 4000; // past the chain-check throttle
        return driver.request("GET", "/c/" + session["id"].get<std::string>() + "/status");
    }
    std::size_t rpc_effects_since(std::size_t from) const {
        std::size_t n = 0;
        for (std::size_t i = from; i < driver.effect_log.size(); ++i)
            if (driver.effect_log[i].value("op", "") == "rpc") ++n;
        return n;
    }
};

} // namespace

TEST_CASE("two networks: a payment split across them pays the session; each is read on its own "
          "chain",
          "[chain][networks]") {
    TwoChains t;
    const auto session = t.create();
    REQUIRE(session["paymentOptions"].size() == 2);
    CHECK(session["paymentOptions"][1]["network"].get<std::string>() == "local-b");
    const std::string deposit = session["depositAddress"].get<std::string>();

    t.a.pay(deposit, 10'000'000, 101);
    t.a.head = 103;
    t.b.pay(deposit, 15'000'000, 41, t.a.time_of(101) + 5); // after the first, by block time
    t.b.head = 41;
    const auto from = t.driver.effect_log.size();
    auto polled = t.status(session);
    REQUIRE(polled.status == 200);
    CHECK(polled.headers["paylinks-chain-check"] == "ok");
    CHECK(polled.json["status"] == "paid");
    CHECK(polled.json["amountReceived"] == "25.000000");
    REQUIRE(polled.json["payments"].size() == 2);
    CHECK(polled.json["payments"][0]["network"] == "local");
    CHECK(polled.json["payments"][1]["network"] == "local-b");
    CHECK(polled.json["payments"][1]["blockNumber"] == 41);
    // Within the poll's budget (24 RPC calls) for each network.
    CHECK(t.rpc_effects_since(from) <= 2 * 24);
    CHECK(t.b.calls_by_method["eth_chainId"] >= 1);
    CHECK(t.b.calls_by_method["eth_getLogs"] >= 1);

    // A session created now starts on each network from the head seen there, less the reorg
    // margin, with no RPC call for the second network.
    const auto b_calls = t.b.calls;
    const auto next = t.create();
    CHECK(t.b.calls == b_calls);
    const auto& record =
        t.driver.kv.at(paylinks::sessions::session_key(next["id"].get<std::string>()));
    const auto stored = paylinks::sessions::from_storage(record.value);
    REQUIRE(stored);
    REQUIRE(stored->other_chains.count("local-b"));
    CHECK(stored->other_chains.at("local-b").start_block == 41u - 12u);
    CHECK(stored->start_block.has_value());
    const auto entry = paylinks::sessions::read_watch_metadata(stored->id, record.metadata);
    REQUIRE(entry);
    CHECK(entry->other_chains.at("local-b").start_block == 41u - 12u);
}

TEST_CASE("two networks: one that is down leaves the other counting, on a poll and a tick",
          "[chain][networks]") {
    TwoChains t;
    const auto session = t.create();
    const std::string deposit = session["depositAddress"].get<std::string>();
    t.a.down = true;
    t.b.pay(deposit, 25'000'000, 41);
    t.b.head = 41;
    auto polled = t.status(session);
    REQUIRE(polled.status == 200);
    CHECK(polled.json["status"] == "paid");
    CHECK(polled.json["payments"][0]["network"] == "local-b");

    // The other way round, on the cron tick.
    const auto second = t.create();
    t.a.down = false;
    t.b.down = true;
    t.a.pay(second["depositAddress"].get<std::string>(), 25'000'000, 102);
    t.a.head = 104;
    t.driver.now_ms += 4000;
    const auto report = t.driver.scheduled();
    CAPTURE(paylinks::dump_json(report));
    auto stored =
        t.driver.api("GET", "/api/v1/checkout_sessions/" + second["id"].get<std::string>());
    REQUIRE(stored.status == 200);
    CHECK(stored.json["status"] == "paid");
    CHECK(stored.json["payments"][0]["network"] == "local");
}

TEST_CASE("two networks: balances ask each network only about the sessions paid there; one that "
          "is down leaves its rows out",
          "[chain][networks][sweeps]") {
    TwoChains t;
    const auto session = t.create();
    const std::string deposit = session["depositAddress"].get<std::string>();
    t.b.pay(deposit, 25'000'000, 41);
    t.b.head = 41;
    REQUIRE(t.status(session).json["status"] == "paid");
    t.held_a = 7; // what a network with no payment holds is not asked about
    t.held_b = 25'000'000;

    t.driver.now_ms += 4000;
    auto balances = t.driver.api("GET", "/api/v1/balances");
    REQUIRE(balances.status == 200);
    CAPTURE(paylinks::dump_json(balances.json));
    REQUIRE(balances.json["tokens"].size() == 2);
    const auto& local = balances.json["tokens"][0];
    const auto& second = balances.json["tokens"][1];
    CHECK(local["network"] == "local");
    CHECK(local["chainId"] == 31337);
    CHECK(local["waiting"] == "0.000000");
    CHECK(local["fulfilledSessionsChecked"] == 0);
    CHECK(second["network"] == "local-b");
    CHECK(second["chainId"] == 31338);
    CHECK(second["waiting"] == "25.000000");
    CHECK(second["waitingAddresses"] == 1);
    CHECK(second["fulfilledSessionsChecked"] == 1);
    CHECK(balances.json["complete"] == true);
    CHECK(t.balance_calls_a == 0);
    CHECK(t.balance_calls_b == 1);

    t.b.down = true;
    t.driver.now_ms += 60'000;
    balances = t.driver.api("GET", "/api/v1/balances");
    REQUIRE(balances.status == 200);
    REQUIRE(balances.json["tokens"].size() == 1);
    CHECK(balances.json["tokens"][0]["network"] == "local");
    CHECK(balances.json["complete"] == false);
}

TEST_CASE("two networks: a second chain with another chain id is a loud misconfiguration of it "
          "alone",
          "[chain][networks]") {
    TwoChains t;
    t.b.chain_id = "0x1"; // the node behind local-b's rpcUrl is Ethereum
    const auto session = t.create();
    t.a.pay(session["depositAddress"].get<std::string>(), 25'000'000, 101);
    t.a.head = 103;
    auto polled = t.status(session);
    REQUIRE(polled.status == 200);
    CHECK(polled.json["status"] == "paid");
    t.driver.now_ms += 4000;
    const auto report = t.driver.scheduled();
    CHECK(paylinks::dump_json(report).find("local-b: configuration error: the rpcUrl of "
                                           "NETWORKS' local-b serves chain id 1") !=
          std::string::npos);
}
