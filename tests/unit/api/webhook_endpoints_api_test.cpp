#include "support/driver.hpp"

#include <catch2/catch.hpp>

using paylinks::Json;
using paylinks::testing::Driver;

namespace {

std::size_t stored_endpoints(const Driver& driver) {
    std::size_t count = 0;
    for (const auto& [key, value] : driver.kv)
        if (key.rfind("we/", 0) == 0) ++count;
    return count;
}

Driver live_driver() {
    Json env = Driver::default_env();
    env["API_KEY"] = "sk_live_outbound";
    env["PUBLIC_BASE_URL"] = "https://pay.example.com";
    return Driver(env);
}

} // namespace

TEST_CASE("a webhook endpoint that points inside a network is refused and nothing is stored",
          "[api][webhooks][outbound_url]") {
    struct Row {
        const char* url;
        const char* message;
    };
    constexpr auto kPrivate = "url must not point to a private, loopback or link-local address";
    constexpr auto kReserved =
        "url must not point to a multicast, broadcast, documentation or reserved address";
    constexpr auto kLocalName = "url must not point to a local or internal host name";
    for (const auto& row : {
             Row{"https://169.254.169.254/latest/meta-data/", kPrivate},
             Row{"https://10.0.0.5/", kPrivate},
             Row{"https://[::ffff:a9fe:a9fe]/", kPrivate},
             Row{"https://2130706433/", kPrivate},
             Row{"https://0x7f.1/", kPrivate},
             Row{"https://0177.0.0.1/", kPrivate},
             Row{"https://[fd00::1]/", kPrivate},
             Row{"https://224.0.0.1/", kReserved},
             Row{"https://localhost./", kLocalName},
             Row{"https://foo.internal/", kLocalName},
             Row{"https://user:pw@hooks.example.com/", "url must not contain a user name"},
             Row{"http://hooks.example.com/", "url must be an https:// URL"},
         }) {
        INFO(row.url);
        Driver driver;
        auto answer = driver.api("POST", "/api/v1/webhook_endpoints", Json{{"url", row.url}});
        CHECK(answer.status == 400);
        CHECK(answer.error_code() == "url_invalid");
        CHECK(answer.error_param() == "url");
        CHECK(answer.json["error"]["type"] == "invalid_request_error");
        CHECK(answer.json["error"]["message"].get<std::string>().rfind(row.message, 0) == 0);
        CHECK(stored_endpoints(driver) == 0);
        for (const auto& effect : driver.effect_log)
            CHECK(effect.value("op", "") != "kv.put");
    }
}

TEST_CASE("a webhook endpoint's url cannot be changed to a private address",
          "[api][webhooks][outbound_url]") {
    Driver driver;
    auto created = driver.api("POST", "/api/v1/webhook_endpoints",
                              Json{{"url", "https://hooks.example.com/in"}});
    REQUIRE(created.status == 201);
    const auto id = created.json["id"].get<std::string>();
    const auto stored = driver.kv.at("we/" + id).value;

    auto refused = driver.api("PATCH", "/api/v1/webhook_endpoints/" + id,
                              Json{{"url", "https://[::ffff:127.0.0.1]:8080/"}});
    CHECK(refused.status == 400);
    CHECK(refused.error_code() == "url_invalid");
    CHECK(driver.kv.at("we/" + id).value == stored);
    CHECK(driver.api("PATCH", "/api/v1/webhook_endpoints/" + id, Json{{"url", nullptr}}).status ==
          400);
    CHECK(driver.api("GET", "/api/v1/webhook_endpoints/" + id).json["url"] ==
          "https://hooks.example.com/in");
}

TEST_CASE("http://localhost endpoints are for test keys only", "[api][webhooks][outbound_url]") {
    Driver test;
    CHECK(test.api("POST", "/api/v1/webhook_endpoints", Json{{"url", "http://localhost:8080/h"}})
              .status == 201);
    CHECK(test.api("POST", "/api/v1/webhook_endpoints", Json{{"url", "http://127.0.0.1:9/h"}})
              .status == 201);
    CHECK(test.api("POST", "/api/v1/webhook_endpoints", Json{{"url", "http://127.1:9/h"}}).status ==
          400);

    Driver live = live_driver();
    auto refused = live.api("POST", "/api/v1/webhook_endpoints",
                            Json{{"url", "http://localhost:8080/h"}}, "sk_live_outbound");
    CHECK(refused.status == 400);
    CHECK(refused.json["error"]["message"] ==
          "url may use http://localhost or http://127.0.0.1 only with a test key");
    CHECK(stored_endpoints(live) == 0);
    CHECK(live.api("POST", "/api/v1/webhook_endpoints", Json{{"url", "https://93.184.216.34/h"}},
                   "sk_live_outbound")
              .status == 201);
}
