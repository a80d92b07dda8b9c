// Inputs fuzz_engine found (or ones of the same kind next to them), kept so they stay fixed:
// each drives the engine through the effect protocol with the hostile answer that used to
// abort the core. See fuzz/README.md.
#include "core/sessions/session_json.hpp"
#include "support/driver.hpp"

#include <catch2/catch.hpp>
#include <limits>
#include <optional>
#include <string>

using paylinks::Json;
using paylinks::testing::Driver;

namespace {

/// A node that answers the chain id and the head, and no logs.
Json quiet_chain(const Json& effect) {
    const auto method = effect.value("method", "");
    if (method == "eth_chainId") return Json{{"ok", true}, {"value", "0x7a69"}};
    if (method == "eth_blockNumber") return Json{{"ok", true}, {"value", "0x64"}};
    if (method == "eth_getLogs") return Json{{"ok", true}, {"value", Json::array()}};
    return Json{{"ok", false}, {"error", "unexpected call"}};
}

/// Answers kv.list for `prefix` with `keys` instead of the store.
auto list_answer(std::string prefix, Json keys) {
    return [prefix = std::move(prefix),
            keys = std::move(keys)](const Json& effect) -> std::optional<Json> {
        if (effect.value("op", "") != "kv.list" || effect.value("prefix", "") != prefix)
            return std::nullopt;
        return Json{{"ok", true}, {"keys", keys}, {"complete", true}};
    };
}

bool deleted(const Driver& driver, const std::string& key) {
    for (const auto& effect : driver.effect_log)
        if (effect.value("op", "") == "kv.delete" && effect.value("key", "") == key) return true;
    return false;
}

/// A webhook endpoint and one event for it, whose delivery is waiting to run.
void endpoint_and_event(Driver& driver) {
    REQUIRE(driver
                .api("POST", "/api/v1/webhook_endpoints",
                     Json{{"url", "https://merchant.example/hooks"}})
                .status == 201);
    REQUIRE(driver.api("POST", "/api/v1/payment_links", Json{{"title", "Tee"}, {"fiatAmount", "5"}})
                .status == 201);
    REQUIRE(driver.follow_ups.size() == 1);
}

} // namespace

TEST_CASE("the chain scan skips list names shorter than or outside its prefix", "[fuzz]") {
    // fuzz_engine: a kv.list of watch/ answered {"name":"w"}; substr past the end aborted.
    Driver driver;
    driver.rpc = quiet_chain;
    driver.kv["cs/keep"] = {"{}", nullptr};
    driver.kv_fault = list_answer(
        "watch/", Json::array({Json{{"name", "w"}}, Json{{"name", "cs/keep"}, {"metadata", 1}}}));
    auto answer = driver.scheduled();
    REQUIRE(answer.contains("result"));
    CHECK(answer["result"]["watched"] == 0);
    CHECK_FALSE(deleted(driver, "cs/keep")); // not an index entry: not the scan's to delete
}

TEST_CASE("webhook retries skip list names shorter than or outside their prefix", "[fuzz]") {
    // Same in the retry queue: {"name":"r"} under retry/ aborted the cron tick.
    Driver driver;
    driver.rpc = quiet_chain;
    driver.kv["we/keep"] = {"{}", nullptr};
    driver.kv_fault =
        list_answer("retry/", Json::array({Json{{"name", "r"}}, Json{{"name", "we/keep"}}}));
    auto answer = driver.scheduled();
    REQUIRE(answer.contains("result"));
    CHECK(answer["result"]["webhooksDelivered"] == 0);
    CHECK_FALSE(deleted(driver, "we/keep"));
}

TEST_CASE("an outbound HTTP answer of the wrong shape is a failed attempt", "[fuzz]") {
    // fuzz_engine: {"ok":true,"status":"200","durationMs":"12"} — value() of a string as a
    // number aborted the delivery.
    for (const Json& answer :
         {Json{{"ok", true}, {"status", "200"}, {"durationMs", "12"}},
          Json{{"ok", true}, {"status", Json::number_text("1e300")}, {"durationMs", nullptr}},
          Json{{"ok", true}, {"status", -5}}, Json::array()}) {
        INFO(paylinks::dump_json(answer));
        Driver driver;
        endpoint_and_event(driver);
        driver.http = [&](const Json&) { return answer; };
        driver.run_follow_ups();
        auto events = driver.api("GET", "/api/v1/events?limit=1");
        auto read =
            driver.api("GET", "/api/v1/events/" + events.json["data"][0]["id"].get<std::string>());
        REQUIRE(read.status == 200);
        REQUIRE(read.json["deliveries"].size() == 1);
        CHECK(read.json["deliveries"][0]["status"] == "pending");
    }
}

TEST_CASE("a stored delivery with members of the wrong type is read as far as it goes", "[fuzz]") {
    Driver driver;
    endpoint_and_event(driver);
    driver.http = [](const Json&) {
        return Json{{"ok", true}, {"status", 200}, {"body", ""}, {"durationMs", 3}};
    };
    driver.kv_fault = [](const Json& effect) -> std::optional<Json> {
        if (effect.value("op", "") != "kv.get" || effect.value("key", "").rfind("dlv/", 0) != 0)
            return std::nullopt;
        return Json{
            {"ok", true},
            {"value",
             R"({"event":7,"state":[],"attempts":[{"at":"x","status":"500","ms":{},"error":1}]})"}};
    };
    driver.run_follow_ups();
    driver.kv_fault = nullptr;
    auto events = driver.api("GET", "/api/v1/events?limit=1");
    auto read =
        driver.api("GET", "/api/v1/events/" + events.json["data"][0]["id"].get<std::string>());
    REQUIRE(read.status == 200);
    CHECK(read.json["deliveries"][0]["status"] == "succeeded");
}

TEST_CASE("list filters read index metadata of any shape", "[fuzz]") {
    // Index metadata is KV's to return: a status or type of the wrong type, or none at all,
    // is an entry that does not match the filter.
    const Json junk = Json::array({Json{{"name", "cs/x"}, {"metadata", nullptr}},
                                   Json{{"name", "cs/y"}, {"metadata", {{"s", 1}, {"l", false}}}},
                                   Json{{"name", "evt/z"}, {"metadata", {{"t", Json::array()}}}}});
    Driver driver;
    driver.kv_fault = list_answer("cs/", junk);
    CHECK(driver.api("GET", "/api/v1/checkout_sessions?status=open").status == 200);
    CHECK(driver.api("GET", "/api/v1/checkout_sessions?linkId=pl_01M7Q5CVD0SRT77FE3R0N6MH8Q")
              .status == 200);
    driver.kv_fault = list_answer("evt/", junk);
    CHECK(driver.api("GET", "/api/v1/events?type=payment_link.created").status == 200);
}

TEST_CASE("a start message with a clock outside 1970–9999 is refused", "[fuzz]") {
    // now = 2^63 − 1 overflowed expiresAt (now + TTL); now = −2^63 overflowed the date writer.
    paylinks::engine::Engine engine;
    REQUIRE(paylinks::parse_json(engine.configure(paylinks::dump_json(Driver::default_env())))
                ->value("ok", false));
    const std::string request =
        R"("kind":"http","request":{"method":"GET","url":"https://pay.example/l/tee",)"
        R"("headers":{},"body":""},"entropy":")" +
        std::string(63, '0') + "1\"";
    for (const char* now : {"9223372036854775807", "-9223372036854775808", "-1", "253402300800000",
                            "18446744073709551615"}) {
        INFO(now);
        auto answer = paylinks::parse_json(engine.start("{" + request + ",\"now\":" + now + "}"));
        REQUIRE(answer);
        CHECK(answer->value("error", "").find("now must be") != std::string::npos);
    }
    CHECK(engine.open_exchanges() == 0);
}

TEST_CASE("stored times outside 1970–9999 make a session unreadable, not an overflow", "[fuzz]") {
    // A session document with createdAt −2^63 overflowed the scan's block range (now − created)
    // and the date writer; expiresAt 2^63 − 1 overflowed expiresAt + late window.
    for (const char* field : {"createdAt", "expiresAt", "updatedAt", "paidAt"}) {
        for (std::int64_t value : {std::numeric_limits<std::int64_t>::min(),
                                   std::numeric_limits<std::int64_t>::max(), std::int64_t{-1}}) {
            INFO(field << " = " << value);
            Driver driver;
            driver.rpc = quiet_chain;
            auto created = driver.api("POST", "/api/v1/checkout_sessions",
                                      Json{{"fiatAmount", "5"}, {"title", "x"}});
            REQUIRE(created.status == 201);
            const std::string id = created.json["id"].get<std::string>();
            auto& stored = driver.kv.at(paylinks::sessions::session_key(id));
            auto document = *paylinks::parse_json(stored.value);
            document[field] = value;
            stored.value = paylinks::dump_json(document);
            stored.metadata[field[0] == 'e' ? "e" : "c"] = value;
            for (auto& [key, entry] : driver.kv)
                if (key.rfind("watch/", 0) == 0)
                    entry.metadata[field[0] == 'e' ? "e" : "c"] = value;

            CHECK(driver.api("GET", "/api/v1/checkout_sessions/" + id).status == 503);
            CHECK(driver.request("GET", "/c/" + id + "/status").status == 503);
            driver.now_ms += 10'000;
            auto tick = driver.scheduled();
            CHECK(tick["result"]["watched"] == 0);
        }
    }
}
