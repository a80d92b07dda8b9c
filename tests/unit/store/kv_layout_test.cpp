// What each kind of request costs in KV, and the layout that makes visits cheap: a new
// session is one key (its record, listed newest first through its metadata) and its event
// one more; the scanner finds recent sessions there and older ones in the watch index; an
// event no endpoint wants starts no delivery once the endpoint registry is known.
#include "core/sessions/session_json.hpp"
#include "core/webhooks/registry.hpp"
#include "support/driver.hpp"
#include "support/scripted_chain.hpp"

#include <catch2/catch.hpp>
#include <string>

using paylinks::Json;
using paylinks::testing::Driver;
using paylinks::testing::ScriptedChain;

namespace {

struct Costs {
    int reads = 0, writes = 0, lists = 0;
    std::vector<std::string> written;
    std::vector<std::string> listed;
};

Costs costs_since(const Driver& driver, std::size_t from) {
    Costs costs;
    for (std::size_t i = from; i < driver.effect_log.size(); ++i) {
        const auto& effect = driver.effect_log[i];
        const auto op = effect.value("op", "");
        if (op == "kv.get") ++costs.reads;
        if (op == "kv.put" || op == "kv.delete") {
            ++costs.writes;
            costs.written.push_back(effect.value("key", ""));
        }
        if (op == "kv.list") {
            ++costs.lists;
            costs.listed.push_back(effect.value("prefix", ""));
        }
    }
    return costs;
}

bool starts_with(const std::string& text, std::string_view prefix) {
    return text.rfind(prefix, 0) == 0;
}

struct Shop {
    Driver driver;
    ScriptedChain chain;
    std::string slug;
    Shop() {
        driver.rpc = [this](const Json& effect) { return chain.answer(effect); };
        auto link = driver.api("POST", "/api/v1/payment_links",
                               Json{{"title", "Mug"}, {"fiatAmount", "12.00"}});
        REQUIRE(link.status == 201);
        slug = link.json["slug"].get<std::string>();
        driver.run_follow_ups();
    }
    /// Answers webhook deliveries 200 and counts them; adds an endpoint for every event.
    int& deliver_to_endpoint_for_everything() {
        driver.http = [this](const Json&) {
            ++posted;
            return Json{{"ok", true}, {"status", 200}, {"body", ""}, {"durationMs", 1}};
        };
        REQUIRE(driver
                    .api("POST", "/api/v1/webhook_endpoints",
                         Json{{"url", "https://merchant.example/all"}})
                    .status == 201);
        return posted;
    }
    int posted = 0;
    /// A visit; returns the new session's id.
    std::string visit() {
        auto answer = driver.request("GET", "/l/" + slug);
        REQUIRE(answer.status == 303);
        auto location = answer.headers.value("location", "");
        REQUIRE(starts_with(location, "/c/"));
        return location.substr(3);
    }
};

} // namespace

TEST_CASE("a link visit writes the session's record and its event, lists nothing",
          "[store][cost]") {
    Shop shop;
    const auto before = shop.driver.effect_log.size();
    const auto id = shop.visit();
    auto costs = costs_since(shop.driver, before);
    CHECK(costs.lists == 0);
    REQUIRE(costs.writes == 2);
    const auto key = paylinks::sessions::session_key(id);
    CHECK(std::count(costs.written.begin(), costs.written.end(), key) == 1);
    CHECK(std::count_if(costs.written.begin(), costs.written.end(),
                        [](const auto& k) { return starts_with(k, "evt/"); }) == 1);
    // The record is its own list and scan entry: the metadata carries what both read.
    const auto& metadata = shop.driver.kv.at(key).metadata;
    CHECK(metadata.value("s", "") == "open");
    CHECK(metadata.contains("d"));
    CHECK(metadata.contains("e"));
    CHECK(metadata.contains("l"));
    CHECK(paylinks::dump_json(metadata).size() < 1024); // KV's limit for metadata

    // The list finds it there, with filters on the same metadata.
    auto listed = shop.driver.api("GET", "/api/v1/checkout_sessions?status=open");
    REQUIRE(listed.status == 200);
    REQUIRE(listed.json["data"].size() == 1);
    CHECK(listed.json["data"][0]["id"] == id);

    // No endpoint exists: the delivery it asked for reads the (missing) registry, no list.
    const auto before_follow_ups = shop.driver.effect_log.size();
    shop.driver.run_follow_ups();
    CHECK(costs_since(shop.driver, before_follow_ups).lists == 0);
}

TEST_CASE("once the registry is known and nobody subscribes, events start no delivery",
          "[store][cost]") {
    Shop shop;
    shop.driver.scheduled(); // builds the registry: no endpoints
    CHECK(shop.driver.kv.at(std::string(paylinks::webhooks::kRegistryKey)).value == "[]");
    shop.visit();
    shop.driver.run_follow_ups(); // the first reads the registry into the instance
    shop.driver.follow_ups.clear();
    for (int i = 0; i < 3; ++i)
        shop.visit();
    CHECK(shop.driver.follow_ups.empty());

    // An endpoint for paid events only: a visit's created event still goes nowhere, but the
    // registry now names it, without a list of we/.
    auto endpoint = shop.driver.api("POST", "/api/v1/webhook_endpoints",
                                    Json{{"url", "https://merchant.example/hook"},
                                         {"enabledEvents", {"checkout_session.paid"}}});
    REQUIRE(endpoint.status == 201);
    auto registry = paylinks::webhooks::read_registry(
        shop.driver.kv.at(std::string(paylinks::webhooks::kRegistryKey)).value);
    REQUIRE(registry);
    REQUIRE(registry->size() == 1);
    CHECK(registry->front().id == endpoint.json["id"]);
    shop.visit();
    shop.driver.run_follow_ups();
    shop.driver.follow_ups.clear();
    shop.visit();
    CHECK(shop.driver.follow_ups.empty());

    // One for every event: the next visit's event is delivered, and the registry is what
    // said where.
    const int& posted = shop.deliver_to_endpoint_for_everything();
    shop.visit();
    REQUIRE(shop.driver.follow_ups.size() == 1);
    const auto before = shop.driver.effect_log.size();
    shop.driver.run_follow_ups();
    CHECK(posted == 1);
    CHECK(costs_since(shop.driver, before).lists == 0);
}

TEST_CASE("the cron rebuilds a registry that lost an endpoint", "[store][webhooks]") {
    Shop shop;
    auto endpoint = shop.driver.api("POST", "/api/v1/webhook_endpoints",
                                    Json{{"url", "https://merchant.example/hook"}});
    REQUIRE(endpoint.status == 201);
    // A change at another location wrote a registry without it.
    const std::string key(paylinks::webhooks::kRegistryKey);
    shop.driver.kv[key].value = "[]";
    shop.driver.now_ms += 61'000;
    // Off the hourly grid nothing is compared; on it, the records win.
    constexpr auto kHealMinutes = paylinks::webhooks::kHealEveryMs / 60'000;
    while ((shop.driver.now_ms / 60'000) % kHealMinutes != 0) {
        shop.driver.scheduled();
        CHECK(shop.driver.kv.at(key).value == "[]");
        shop.driver.now_ms += 60'000;
    }
    auto tick = shop.driver.scheduled();
    CHECK(tick["result"]["endpointRegistry"] == "rebuilt");
    auto registry = paylinks::webhooks::read_registry(shop.driver.kv.at(key).value);
    REQUIRE(registry);
    REQUIRE(registry->size() == 1);
    CHECK(registry->front().id == endpoint.json["id"]);
    // Unreadable is rebuilt at the next tick, whatever the clock.
    shop.driver.kv[key].value = "{not json";
    shop.driver.now_ms += 60'000;
    CHECK(shop.driver.scheduled()["result"]["endpointRegistry"] == "rebuilt");
    CHECK(paylinks::webhooks::read_registry(shop.driver.kv.at(key).value));
}

TEST_CASE("the scan finds recent sessions among the records and older ones in the watch index",
          "[store][chain]") {
    Shop shop;
    const auto id = shop.visit();
    const auto watch_key = std::string(paylinks::sessions::kWatchIndexPrefix);
    auto has_watch_entry = [&] {
        for (const auto& [key, value] : shop.driver.kv)
            if (starts_with(key, watch_key)) return true;
        return false;
    };
    CHECK_FALSE(has_watch_entry());
    auto tick = shop.driver.scheduled();
    CHECK(tick["result"]["watched"] == 1);
    CHECK(tick["result"]["kvLists"] == 2); // cs/ back to the horizon, then watch/

    // Past expiresAt the scan expires it, which puts it in the watch index for the late
    // window; once past the recent horizon it is found there alone.
    shop.driver.now_ms += 1800 * 1000 + 1000;
    shop.driver.scheduled();
    auto stored =
        paylinks::parse_json(shop.driver.kv.at(paylinks::sessions::session_key(id)).value);
    REQUIRE(stored);
    CHECK((*stored)["status"] == "expired");
    CHECK(has_watch_entry());
    shop.driver.now_ms += 7 * 3600 * 1000; // beyond SESSION_TTL + the slack
    tick = shop.driver.scheduled();
    CHECK(tick["result"]["watched"] == 1);

    // With the chain unreachable for hours the clock still runs: the scan expires what
    // passed expiresAt, so it is found in the watch index after the outage.
    Shop outage;
    const auto late = outage.visit();
    outage.chain.down = true;
    outage.driver.now_ms += 1800 * 1000 + 1000;
    auto down = outage.driver.scheduled();
    CHECK(down["result"]["updated"] == 1);
    CHECK_FALSE(down["result"]["fault"].is_null());
    outage.driver.now_ms += 7 * 3600 * 1000;
    outage.chain.down = false;
    outage.chain.pay(outage.driver.api("GET", "/api/v1/checkout_sessions/" + late)
                         .json["depositAddress"]
                         .get<std::string>(),
                     12'000'000, 101, outage.driver.now_ms / 1000 - 60);
    outage.chain.head = 110;
    auto after = outage.driver.scheduled();
    CHECK(after["result"]["watched"] == 1);
    auto settled =
        paylinks::parse_json(outage.driver.kv.at(paylinks::sessions::session_key(late)).value);
    REQUIRE(settled);
    CHECK((*settled)["status"] == "paid_late");
}

TEST_CASE("a session that lives longer than SESSION_TTL is in the watch index from the start",
          "[store][chain]") {
    Shop shop;
    auto created = shop.driver.api(
        "POST", "/api/v1/checkout_sessions",
        Json{{"fiatAmount", "5"}, {"expiresAt", (shop.driver.now_ms / 1000) + 20 * 3600}});
    REQUIRE(created.status == 201);
    bool indexed = false;
    for (const auto& [key, value] : shop.driver.kv)
        indexed = indexed || starts_with(key, paylinks::sessions::kWatchIndexPrefix);
    CHECK(indexed);
    shop.driver.now_ms += 12 * 3600 * 1000; // past the recent horizon, still open
    CHECK(shop.driver.scheduled()["result"]["watched"] == 1);
}

TEST_CASE("two writers of one event ask for its delivery; the endpoint gets it once",
          "[store][webhooks]") {
    Shop shop;
    const int& posted = shop.deliver_to_endpoint_for_everything();
    shop.driver.follow_ups.clear();
    shop.visit();
    REQUIRE(shop.driver.follow_ups.size() == 1);
    // A poll and a verify that both saw the same fact: the same delivery asked for twice.
    shop.driver.follow_ups.push_back(shop.driver.follow_ups.front());
    shop.driver.run_follow_ups();
    CHECK(posted == 1);
    // A resend is the merchant's explicit ask: it is sent again.
    auto events = shop.driver.api("GET", "/api/v1/events?type=checkout_session.created&limit=1");
    REQUIRE(events.status == 200);
    const auto id = events.json["data"][0]["id"].get<std::string>();
    REQUIRE(shop.driver.api("POST", "/api/v1/events/" + id + "/resend", Json::object()).status <
            300);
    shop.driver.run_follow_ups();
    CHECK(posted == 2);
}

TEST_CASE("a poll whose save KV refuses as busy answers what it read; an expire so refused fails",
          "[store][sessions]") {
    Shop shop;
    const auto paid = shop.visit();
    const auto open = shop.visit();
    const auto paid_key = paylinks::sessions::session_key(paid);
    const auto open_key = paylinks::sessions::session_key(open);
    // Another writer saved these sessions within the second: KV refuses their records.
    shop.driver.kv_fault = [&](const Json& effect) -> std::optional<Json> {
        const auto key = effect.value("key", "");
        if (effect.value("op", "") == "kv.put" && (key == paid_key || key == open_key))
            return Json{
                {"ok", false}, {"error", "KV PUT failed: 429 Too Many Requests"}, {"busy", true}};
        return std::nullopt;
    };
    auto deposit = shop.driver.api("GET", "/api/v1/checkout_sessions/" + paid)
                       .json["depositAddress"]
                       .get<std::string>();
    shop.chain.pay(deposit, 12'000'000, 101);
    shop.chain.head = 105;
    shop.driver.now_ms += 4'000;
    auto polled = shop.driver.request("GET", "/c/" + paid + "/status");
    REQUIRE(polled.status == 200);
    CHECK(polled.json["status"] == "paid");

    auto expired =
        shop.driver.api("POST", "/api/v1/checkout_sessions/" + open + "/expire", Json::object());
    CHECK(expired.status == 503);
    CHECK(expired.error_code() == "storage_unavailable");
    shop.driver.kv_fault = nullptr;
    auto stored = paylinks::parse_json(shop.driver.kv.at(open_key).value);
    REQUIRE(stored);
    CHECK((*stored)["status"] == "open");
}

TEST_CASE("a writer that loaded a session before the merchant expired it cannot undo the expiry",
          "[store][sessions]") {
    Shop shop;
    const auto id = shop.visit();
    const auto key = paylinks::sessions::session_key(id);
    const auto before_expiry = shop.driver.kv.at(key); // what a racing scan had loaded
    shop.driver.now_ms += 60'000;
    auto expired =
        shop.driver.api("POST", "/api/v1/checkout_sessions/" + id + "/expire", Json::object());
    REQUIRE(expired.status == 200);
    CHECK(expired.json["status"] == "expired");
    const auto expired_at_s = shop.driver.now_ms / 1000;

    // That writer saves its copy after the expiry (no compare-and-set stops it)...
    shop.driver.kv[key] = before_expiry;
    // ...and a payment arrives after the merchant's expiry, before the original expiresAt.
    auto deposit = expired.json["depositAddress"].get<std::string>();
    shop.chain.pay(deposit, 12'000'000, 101, expired_at_s + 120);
    shop.chain.head = 105;
    shop.driver.now_ms += 180'000;
    auto polled = shop.driver.request("GET", "/c/" + id + "/status");
    REQUIRE(polled.status == 200);
    CHECK(polled.json["status"] == "paid_late"); // not paid: the expiry stands
    CHECK(polled.json["expiresAt"] == expired.json["expiresAt"]);
}

TEST_CASE("a shop without webhook endpoints: a tick lists the recent records and the watch index, "
          "nothing else",
          "[store][cost]") {
    Shop shop;
    shop.visit();
    shop.driver.scheduled(); // builds the (empty) endpoint registry
    for (int tick = 0; tick < 10; ++tick) {
        shop.driver.now_ms += 60'000;
        const auto from = shop.driver.effect_log.size();
        shop.driver.scheduled();
        auto costs = costs_since(shop.driver, from);
        INFO("tick " << tick << ": " << paylinks::dump_json(Json(costs.listed)));
        const bool heal_tick =
            (shop.driver.now_ms / 60'000) % (paylinks::webhooks::kHealEveryMs / 60'000) == 0;
        CHECK(costs.lists == (heal_tick ? 3 : 2)); // cs/, watch/ (and we/ once an hour)
        CHECK(std::count(costs.listed.begin(), costs.listed.end(), "retry/") == 0);
    }
    // With an endpoint, due retries are looked for again.
    REQUIRE(shop.driver
                .api("POST", "/api/v1/webhook_endpoints",
                     Json{{"url", "https://merchant.example/hook"}})
                .status == 201);
    shop.driver.now_ms += 60'000;
    const auto from = shop.driver.effect_log.size();
    shop.driver.scheduled();
    auto costs = costs_since(shop.driver, from);
    CHECK(std::count(costs.listed.begin(), costs.listed.end(), "retry/") == 1);
}
