#include "core/webhooks/delivery.hpp"
#include "support/driver.hpp"

#include <catch2/catch.hpp>

using paylinks::Json;
using paylinks::testing::Driver;

TEST_CASE("webhook payloads are signed per Standard Webhooks", "[webhooks]") {
    // The specification's own example (secret, message id, timestamp, payload, signature).
    auto signature = paylinks::webhooks::sign_payload("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                                                      "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                                                      R"({"test": 2432232314})");
    REQUIRE(signature);
    CHECK(*signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    CHECK_FALSE(paylinks::webhooks::sign_payload("whsec_not*base64", "m", 1, "{}"));
}

TEST_CASE("events are delivered, failures retried on the schedule, attempts recorded",
          "[webhooks]") {
    Driver driver;
    auto endpoint = driver.api("POST", "/api/v1/webhook_endpoints",
                               Json{{"url", "https://merchant.example/hooks"},
                                    {"enabledEvents", Json::array({"payment_link.created"})}});
    REQUIRE(endpoint.status == 201);
    const std::string secret = endpoint.json["secret"].get<std::string>();
    CHECK(secret.rfind("whsec_", 0) == 0);
    CHECK_FALSE(
        driver.api("GET", "/api/v1/webhook_endpoints/" + endpoint.json["id"].get<std::string>())
            .json.contains("secret"));

    std::vector<Json> posts;
    int answer_status = 500;
    driver.http = [&](const Json& effect) {
        posts.push_back(effect);
        return Json{{"ok", true}, {"status", answer_status}, {"body", ""}, {"durationMs", 3}};
    };
    auto link =
        driver.api("POST", "/api/v1/payment_links", Json{{"title", "Tee"}, {"fiatAmount", "5"}});
    REQUIRE(link.status == 201);
    REQUIRE(driver.follow_ups.size() == 1);
    driver.run_follow_ups();
    REQUIRE(posts.size() == 1);
    const auto& headers = posts[0]["headers"];
    auto event_id = headers["webhook-id"].get<std::string>();
    CHECK(event_id.rfind("evt_", 0) == 0);
    auto expected = paylinks::webhooks::sign_payload(
        secret, event_id, std::stoll(headers["webhook-timestamp"].get<std::string>()),
        posts[0]["body"].get<std::string>());
    CHECK(headers["webhook-signature"] == *expected);

    auto event = driver.api("GET", "/api/v1/events/" + event_id);
    REQUIRE(event.json["deliveries"].size() == 1);
    CHECK(event.json["deliveries"][0]["status"] == "pending");
    CHECK(event.json["deliveries"][0]["attempts"][0]["status"] == 500);

    // Not due yet: nothing is sent. After a minute the cron retries with the same id.
    driver.scheduled();
    CHECK(posts.size() == 1);
    driver.now_ms += 61'000;
    answer_status = 204;
    driver.scheduled();
    REQUIRE(posts.size() == 2);
    CHECK(posts[1]["headers"]["webhook-id"] == event_id);
    event = driver.api("GET", "/api/v1/events/" + event_id);
    CHECK(event.json["deliveries"][0]["status"] == "succeeded");
    CHECK(event.json["deliveries"][0]["attempts"].size() == 2);
    driver.now_ms += 3'600'000;
    driver.scheduled();
    CHECK(posts.size() == 2); // nothing left to retry
}

TEST_CASE("a delivery that never succeeds stops after the last attempt", "[webhooks]") {
    Driver driver;
    REQUIRE(driver
                .api("POST", "/api/v1/webhook_endpoints",
                     Json{{"url", "https://merchant.example/hooks"}})
                .status == 201);
    int posts = 0;
    driver.http = [&](const Json&) {
        ++posts;
        return Json{{"ok", false}, {"error", "connection refused"}, {"durationMs", 1}};
    };
    REQUIRE(driver.api("POST", "/api/v1/payment_links", Json{{"title", "T"}, {"fiatAmount", "1"}})
                .status == 201);
    driver.run_follow_ups();
    for (int hour = 0; hour < 48; ++hour) {
        driver.now_ms += 3'600'000;
        driver.scheduled();
    }
    CHECK(posts == static_cast<int>(paylinks::webhooks::kMaxAttempts));
    auto events = driver.api("GET", "/api/v1/events?type=payment_link.created");
    auto event =
        driver.api("GET", "/api/v1/events/" + events.json["data"][0]["id"].get<std::string>());
    CHECK(event.json["deliveries"][0]["status"] == "failed");
    CHECK(event.json["deliveries"][0]["attempts"][0]["error"] == "connection refused");
}
