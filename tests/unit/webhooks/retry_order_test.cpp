// A due retry is removed only after its attempt is recorded: a crash (or a failed write) at
// any point leaves the old retry entry or the new record, so an attempt may repeat but is
// never lost.
#include "support/driver.hpp"

#include <catch2/catch.hpp>
#include <string>

using paylinks::Json;
using paylinks::testing::Driver;

namespace {

std::vector<std::string> retry_keys(const Driver& driver) {
    std::vector<std::string> keys;
    for (const auto& [key, value] : driver.kv)
        if (key.starts_with("retry/")) keys.push_back(key);
    return keys;
}

// A link created with an endpoint that answers 500: one failed attempt, one retry entry.
std::string failed_once(Driver& driver, int& posts) {
    REQUIRE(driver
                .api("POST", "/api/v1/webhook_endpoints",
                     Json{{"url", "https://merchant.example/hooks"},
                          {"enabledEvents", Json::array({"payment_link.created"})}})
                .status == 201);
    driver.http = [&](const Json&) {
        ++posts;
        return Json{{"ok", true}, {"status", 500}, {"body", ""}, {"durationMs", 3}};
    };
    REQUIRE(driver.api("POST", "/api/v1/payment_links", Json{{"title", "Tee"}, {"fiatAmount", "5"}})
                .status == 201);
    driver.run_follow_ups();
    REQUIRE(posts == 1);
    auto keys = retry_keys(driver);
    REQUIRE(keys.size() == 1);
    return keys[0];
}

} // namespace

TEST_CASE("a due retry is deleted only in a batch after its delivery record", "[webhooks]") {
    Driver driver;
    int posts = 0;
    const auto due = failed_once(driver, posts);
    driver.now_ms += 61'000;
    driver.effect_log.clear();
    driver.effect_batch.clear();
    driver.scheduled();
    REQUIRE(posts == 2);

    std::size_t record_batch = 0, next_retry_batch = 0, removal_batch = 0, post_batch = 0;
    for (std::size_t i = 0; i < driver.effect_log.size(); ++i) {
        const auto& effect = driver.effect_log[i];
        const auto op = effect.value("op", "");
        const auto key = effect.value("key", "");
        if (op == "kv.put" && key.starts_with("dlv/")) record_batch = driver.effect_batch[i];
        if (op == "kv.put" && key.starts_with("retry/")) next_retry_batch = driver.effect_batch[i];
        if (op == "kv.delete" && key == due) removal_batch = driver.effect_batch[i];
        if (op == "http") post_batch = driver.effect_batch[i];
    }
    REQUIRE(post_batch > 0);
    REQUIRE(record_batch > post_batch);
    REQUIRE(next_retry_batch == record_batch);
    CHECK(removal_batch > record_batch);

    // What is left: the next retry, not the answered one.
    auto keys = retry_keys(driver);
    REQUIRE(keys.size() == 1);
    CHECK(keys[0] != due);
}

TEST_CASE("a retry whose record could not be written stays due, and is attempted again",
          "[webhooks]") {
    Driver driver;
    int posts = 0;
    const auto due = failed_once(driver, posts);
    driver.now_ms += 61'000;
    // The attempt is made, then its record write fails (as a crash there would lose it).
    driver.kv_fault = [](const Json& effect) -> std::optional<Json> {
        if (effect.value("op", "") == "kv.put" && effect.value("key", "").starts_with("dlv/"))
            return Json{{"ok", false}, {"error", "KV PUT failed: 500"}};
        return std::nullopt;
    };
    driver.scheduled();
    CHECK(posts == 2);
    auto keys = retry_keys(driver);
    CHECK(std::find(keys.begin(), keys.end(), due) != keys.end());

    // The next run attempts it again (at least once), and then removes it.
    driver.kv_fault = nullptr;
    driver.scheduled();
    CHECK(posts == 3);
    keys = retry_keys(driver);
    CHECK(std::find(keys.begin(), keys.end(), due) == keys.end());
}
