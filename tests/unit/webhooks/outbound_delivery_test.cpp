#include "core/webhooks/endpoint.hpp"
#include "support/driver.hpp"

#include <catch2/catch.hpp>

using paylinks::Json;
using paylinks::testing::Driver;

namespace {

/// Writes an endpoint straight into the store, as one saved before URLs were checked (or by
/// hand) would be.
void store_endpoint(Driver& driver, const std::string& id, const std::string& url,
                    bool livemode = false) {
    paylinks::webhooks::Endpoint endpoint;
    endpoint.id = id;
    endpoint.url = url;
    endpoint.enabled_events = {"*"};
    endpoint.secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    endpoint.livemode = livemode;
    endpoint.created_at_ms = endpoint.updated_at_ms = driver.now_ms;
    driver.kv[paylinks::webhooks::endpoint_key(id)] = {paylinks::webhooks::to_storage(endpoint),
                                                       nullptr};
}

std::size_t http_effects(const Driver& driver) {
    std::size_t count = 0;
    for (const auto& effect : driver.effect_log)
        if (effect.value("op", "") == "http") ++count;
    return count;
}

/// Creates a link (one event), runs its delivery and answers the event's deliveries, by
/// endpoint id.
std::map<std::string, Json> deliver_one_event(Driver& driver, const std::string& key) {
    // Records written straight to KV (as by an older version) reach the endpoint registry
    // through the cron, which builds it from them.
    (void)driver.scheduled();
    driver.effect_log.clear();
    REQUIRE(
        driver
            .api("POST", "/api/v1/payment_links", Json{{"title", "Tee"}, {"fiatAmount", "5"}}, key)
            .status == 201);
    driver.run_follow_ups();
    auto events = driver.api("GET", "/api/v1/events", nullptr, key);
    REQUIRE(events.json["data"].size() == 1);
    auto event = driver.api(
        "GET", "/api/v1/events/" + events.json["data"][0]["id"].get<std::string>(), nullptr, key);
    std::map<std::string, Json> by_endpoint;
    for (const auto& delivery : event.json["deliveries"])
        by_endpoint[delivery["endpointId"].get<std::string>()] = delivery;
    return by_endpoint;
}

} // namespace

TEST_CASE("a stored endpoint with a private URL is never called", "[webhooks][outbound_url]") {
    Driver driver;
    store_endpoint(driver, "we_01private", "https://169.254.169.254/latest/meta-data/");
    store_endpoint(driver, "we_02octal", "https://0177.0.0.1:8443/");
    store_endpoint(driver, "we_03public", "https://hooks.example.com/in");
    std::vector<std::string> called;
    driver.http = [&](const Json& effect) {
        called.push_back(effect["url"].get<std::string>());
        return Json{{"ok", true}, {"status", 204}, {"body", ""}, {"durationMs", 2}};
    };
    auto deliveries = deliver_one_event(driver, "sk_test_local");
    REQUIRE(called.size() == 1);
    CHECK(called[0] == "https://hooks.example.com/in");

    REQUIRE(deliveries.size() == 3);
    CHECK(deliveries["we_03public"]["status"] == "succeeded");
    for (const char* id : {"we_01private", "we_02octal"}) {
        INFO(id);
        const auto& delivery = deliveries[id];
        CHECK(delivery["status"] == "failed");
        CHECK(delivery["nextAttemptAt"].is_null());
        REQUIRE(delivery["attempts"].size() == 1);
        CHECK(delivery["attempts"][0]["status"].is_null());
        CHECK(delivery["attempts"][0]["error"] ==
              "url refused (private_address): url must not point to a private, loopback or "
              "link-local address");
    }
    // Nothing is scheduled for the refused ones: later ticks call no one.
    const auto before = http_effects(driver);
    for (int hour = 0; hour < 30; ++hour) {
        driver.now_ms += 3'600'000;
        driver.scheduled();
    }
    CHECK(http_effects(driver) == before);
}

TEST_CASE("a retry due for an endpoint whose URL became private is not sent",
          "[webhooks][outbound_url]") {
    Driver driver;
    store_endpoint(driver, "we_01moved", "https://hooks.example.com/in");
    driver.http = [](const Json&) {
        return Json{{"ok", true}, {"status", 503}, {"body", ""}, {"durationMs", 2}};
    };
    auto first = deliver_one_event(driver, "sk_test_local");
    REQUIRE(first["we_01moved"]["status"] == "pending");
    const auto posts = http_effects(driver);
    CHECK(posts == 1);

    // The stored URL is changed behind the API's back.
    store_endpoint(driver, "we_01moved", "https://[::ffff:10.0.0.5]/in");
    driver.now_ms += 61'000;
    driver.scheduled();
    CHECK(http_effects(driver) == posts);
    auto events = driver.api("GET", "/api/v1/events");
    auto event =
        driver.api("GET", "/api/v1/events/" + events.json["data"][0]["id"].get<std::string>());
    const auto& delivery = event.json["deliveries"][0];
    CHECK(delivery["status"] == "failed");
    REQUIRE(delivery["attempts"].size() == 2);
    CHECK(delivery["attempts"][1]["error"].get<std::string>().rfind("url refused (private_address)",
                                                                    0) == 0);
}

TEST_CASE("a test endpoint on localhost is not called once the worker runs a live key",
          "[webhooks][outbound_url]") {
    Json env = Driver::default_env();
    env["API_KEY"] = "sk_live_outbound";
    env["PUBLIC_BASE_URL"] = "https://pay.example.com";
    Driver driver(env);
    store_endpoint(driver, "we_01local", "http://localhost:8080/hooks", false);
    std::size_t calls = 0;
    driver.http = [&](const Json&) {
        ++calls;
        return Json{{"ok", true}, {"status", 204}, {"body", ""}, {"durationMs", 1}};
    };
    auto deliveries = deliver_one_event(driver, "sk_live_outbound");
    CHECK(calls == 0);
    CHECK(deliveries["we_01local"]["status"] == "failed");
    CHECK(deliveries["we_01local"]["attempts"][0]["error"].get<std::string>().rfind(
              "url refused (local_http_live_mode)", 0) == 0);

    // With a test key the same endpoint is the developer's receiver, and is called.
    Driver local;
    store_endpoint(local, "we_01local", "http://localhost:8080/hooks", false);
    local.http = driver.http;
    CHECK(deliver_one_event(local, "sk_test_local")["we_01local"]["status"] == "succeeded");
    CHECK(calls == 1);
}
