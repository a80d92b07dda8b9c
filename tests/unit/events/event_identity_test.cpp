// One event per fact: the id of a session's event is derived from the session and the
// transition, so racing writers of the same fact write the same keys under one webhook-id,
// and a new fact (a reorg, then a payment in another block) gets a new id.
#include "core/config/config.hpp"
#include "core/engine/context.hpp"
#include "core/events/event.hpp"
#include "core/ids/ids.hpp"
#include "core/sessions/session_store.hpp"
#include "support/driver.hpp"
#include "support/scripted_chain.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using paylinks::Json;
using paylinks::testing::Driver;
namespace engine = paylinks::engine;
namespace sessions = paylinks::sessions;

namespace {

constexpr std::int64_t kCreatedMs = 1'795'000'000'000;

// One writer: its own clock, entropy and instance, as a poll, a verify or the cron would be.
struct Writer {
    paylinks::config::Config config = paylinks::config::load_config(Driver::default_env());
    engine::SharedState shared;
    engine::Context ctx;
    Writer(std::int64_t now_ms, std::uint8_t seed)
        : ctx(now_ms, entropy(seed), config, shared, nullptr) {}
    static std::array<std::uint8_t, 32> entropy(std::uint8_t seed) {
        std::array<std::uint8_t, 32> bytes{};
        bytes.fill(seed);
        return bytes;
    }
};

sessions::Session make_session(std::string id) {
    sessions::Session session;
    session.id = std::move(id);
    session.title = "Tee";
    session.fiat_amount = 2500;
    session.fiat_currency = "USD";
    session.exchange_rate = "1";
    session.amount_due = 25'000'000;
    session.created_at_ms = kCreatedMs;
    session.updated_at_ms = kCreatedMs;
    session.expires_at_ms = kCreatedMs + 1'800'000;
    return session;
}

sessions::Payment payment(std::string block_hash, std::int64_t time_ms) {
    sessions::Payment p;
    p.transaction_hash = "0x" + std::string(64, 'a');
    p.log_index = 3;
    p.amount = 25'000'000;
    p.block_number = 101;
    p.block_hash = std::move(block_hash);
    p.time_ms = time_ms;
    p.confirmations = 3;
    p.confirmed = true;
    return p;
}

// The ids of the events among `writes` (evt/<id> keys).
std::vector<std::string> event_ids(const std::vector<engine::Effect>& writes) {
    std::vector<std::string> found;
    for (const auto& effect : writes) {
        const auto key = effect.value("key", "");
        if (effect.value("op", "") == "kv.put" && key.starts_with("evt/"))
            found.push_back(paylinks::ids::id_from_newest_first_key(key.substr(4),
                                                                    paylinks::ids::kEventPrefix));
    }
    return found;
}

std::string one_event(Writer& writer, const sessions::Session& session,
                      std::optional<sessions::Status> previous) {
    const auto ids = event_ids(sessions::session_writes(writer.ctx, session, previous));
    REQUIRE(ids.size() == 1);
    return ids[0];
}

} // namespace

TEST_CASE("the same paid transition saved by two writers is one event", "[events]") {
    auto session = make_session("cs_01JZ0000000000000000000001");
    session.payments.push_back(payment("0x" + std::string(64, 'b'), kCreatedMs + 60'000));
    session.status = sessions::Status::paid;
    session.paid_at_ms = kCreatedMs + 60'000;

    // Two writers from the same loaded state (detected), seconds apart, different entropy.
    Writer poll(kCreatedMs + 70'000, 1);
    Writer cron(kCreatedMs + 75'000, 2);
    const auto first = one_event(poll, session, sessions::Status::detected);
    const auto second = one_event(cron, session, sessions::Status::detected);
    CHECK(first == second);
    CHECK(paylinks::ids::is_valid_id(first, paylinks::ids::kEventPrefix));
    // Its time is the fact's (the completing block's), not either writer's clock.
    CHECK(paylinks::ids::id_time_ms(first, paylinks::ids::kEventPrefix) == kCreatedMs + 60'000);

    // The stored event is the same key for both.
    auto writes = sessions::session_writes(poll.ctx, session, sessions::Status::detected);
    auto again = sessions::session_writes(cron.ctx, session, sessions::Status::detected);
    REQUIRE(paylinks::events::is_event_write(writes[0]));
    CHECK(writes[0]["key"] == again[0]["key"]);
    // The writer KV stored it for asks for its delivery; the one refused as busy (the same key
    // within the second) does not, so the fact is delivered once, not once per writer.
    std::vector<Json> stored(writes.size(), Json{{"ok", true}});
    std::vector<Json> refused = stored;
    refused[0] =
        Json{{"ok", false}, {"error", "KV PUT failed: 429 Too Many Requests"}, {"busy", true}};
    (void)poll.ctx.take_follow_ups();
    (void)cron.ctx.take_follow_ups();
    paylinks::events::request_deliveries(poll.ctx, writes, stored);
    paylinks::events::request_deliveries(cron.ctx, again, refused);
    auto follow_ups = poll.ctx.take_follow_ups();
    REQUIRE(follow_ups.size() == 1);
    CHECK(follow_ups[0]["event"] == first);
    CHECK(cron.ctx.take_follow_ups().empty());

    // A top-up one writer saw and the other did not changes nothing about the paid fact.
    auto seen_more = session;
    auto top_up = payment("0x" + std::string(64, 'c'), kCreatedMs + 90'000);
    top_up.transaction_hash = "0x" + std::string(64, 'd');
    top_up.confirmed = false;
    seen_more.payments.push_back(top_up);
    CHECK(one_event(cron, seen_more, sessions::Status::detected) == first);
}

TEST_CASE("paid, reorged and paid again are three facts", "[events]") {
    auto session = make_session("cs_01JZ0000000000000000000002");
    session.payments.push_back(payment("0x" + std::string(64, 'b'), kCreatedMs + 60'000));
    session.status = sessions::Status::paid;
    session.paid_at_ms = kCreatedMs + 60'000;
    Writer writer(kCreatedMs + 70'000, 1);
    const auto paid = one_event(writer, session, sessions::Status::detected);

    // The block that held the payment is replaced: the payment is gone, the session reorged.
    auto reorged = session;
    reorged.payments.clear();
    reorged.status = sessions::Status::reorged;
    reorged.paid_at_ms.reset();
    const auto reorg = one_event(writer, reorged, sessions::Status::paid);

    // The same transaction is mined again in the new block: paid again, a new fact.
    auto repaid = session;
    repaid.payments[0] = payment("0x" + std::string(64, 'e'), kCreatedMs + 72'000);
    repaid.paid_at_ms = kCreatedMs + 72'000;
    const auto paid_again = one_event(writer, repaid, sessions::Status::reorged);

    CHECK(paid != paid_again);
    CHECK(paid != reorg);
    CHECK(reorg != paid_again);
}

TEST_CASE("created events of two sessions differ, and each is stable", "[events]") {
    Writer writer(kCreatedMs, 1);
    const auto a = make_session("cs_01JZ0000000000000000000003");
    const auto b = make_session("cs_01JZ0000000000000000000004");
    const auto created_a = one_event(writer, a, std::nullopt);
    const auto created_b = one_event(writer, b, std::nullopt);
    CHECK(created_a != created_b);
    CHECK(one_event(writer, a, std::nullopt) == created_a);
    CHECK(paylinks::ids::id_time_ms(created_a, paylinks::ids::kEventPrefix) == kCreatedMs);
    // Expired is named by expiresAt, and timed by it.
    auto expired = a;
    expired.status = sessions::Status::expired;
    const auto expiry = one_event(writer, expired, sessions::Status::open);
    CHECK(expiry != created_a);
    CHECK(paylinks::ids::id_time_ms(expiry, paylinks::ids::kEventPrefix) == a.expires_at_ms);
}

TEST_CASE("an event id names its type, subject and discriminator unambiguously", "[events]") {
    using paylinks::events::event_id;
    using paylinks::events::Fact;
    CHECK(event_id("t", Fact{"ab", "c", 1}) != event_id("t", Fact{"a", "bc", 1}));
    CHECK(event_id("t", Fact{"a", "b", 1}) != event_id("u", Fact{"a", "b", 1}));
    CHECK(event_id("t", Fact{"a", "b", 1}) == event_id("t", Fact{"a", "b", 1}));
}

TEST_CASE("a busy refusal of an event's keys is another writer's copy, not an error", "[events]") {
    Driver driver;
    bool busy_events = true;
    bool busy_session = false;
    driver.kv_fault = [&](const Json& effect) -> std::optional<Json> {
        if (effect.value("op", "") != "kv.put") return std::nullopt;
        const auto key = effect.value("key", "");
        const bool event_key = key.starts_with("evt/");
        if ((event_key && busy_events) || (key.starts_with("cs/") && busy_session))
            return Json{
                {"ok", false}, {"error", "KV PUT failed: 429 Too Many Requests"}, {"busy", true}};
        return std::nullopt;
    };
    auto created = driver.api("POST", "/api/v1/checkout_sessions",
                              Json{{"fiatAmount", "25.00"}, {"fiatCurrency", "USD"}});
    CHECK(created.status == 201);

    // The session's own record refused is still a failure: nobody else wrote this state.
    busy_events = false;
    busy_session = true;
    auto refused = driver.api("POST", "/api/v1/checkout_sessions",
                              Json{{"fiatAmount", "25.00"}, {"fiatCurrency", "USD"}});
    CHECK(refused.status >= 500);

    // And a refusal that is not busy, of an event key, fails as before.
    driver.kv_fault = [](const Json& effect) -> std::optional<Json> {
        if (effect.value("op", "") == "kv.put" && effect.value("key", "").starts_with("evt/"))
            return Json{{"ok", false}, {"error", "KV PUT failed: 500"}};
        return std::nullopt;
    };
    auto failed = driver.api("POST", "/api/v1/checkout_sessions",
                             Json{{"fiatAmount", "25.00"}, {"fiatCurrency", "USD"}});
    CHECK(failed.status >= 500);
}

TEST_CASE("is_busy reads only a failed result that says busy", "[events][engine]") {
    CHECK(engine::is_busy(Json{{"ok", false}, {"error", "429"}, {"busy", true}}));
    CHECK_FALSE(engine::is_busy(Json{{"ok", false}, {"error", "500"}}));
    CHECK_FALSE(engine::is_busy(Json{{"ok", false}, {"busy", "yes"}}));
    CHECK_FALSE(engine::is_busy(Json{{"ok", true}, {"busy", true}}));
    CHECK_FALSE(engine::is_busy(Json("busy")));
}

TEST_CASE("two instances polling one payment from the same stored state record one paid event",
          "[events][journey]") {
    paylinks::testing::ScriptedChain chain;
    Driver first;
    first.rpc = [&](const Json& effect) { return chain.answer(effect); };
    auto created = first.api("POST", "/api/v1/checkout_sessions",
                             Json{{"fiatAmount", "25.00"}, {"fiatCurrency", "USD"}});
    REQUIRE(created.status == 201);
    const auto id = created.json["id"].get<std::string>();
    chain.pay(created.json["depositAddress"].get<std::string>(), 25'000'000, 101);
    chain.head = 103;

    // A second instance elsewhere, whose reads still show the session as it was stored.
    Driver second;
    second.rpc = first.rpc;
    second.kv = first.kv;
    second.now_ms = first.now_ms + 4'000;

    CHECK(first.request("GET", "/c/" + id + "/status").json["status"] == "paid");
    CHECK(second.request("GET", "/c/" + id + "/status").json["status"] == "paid");
    auto paid_events = [](const Driver& driver) {
        std::vector<std::string> keys;
        for (const auto& [key, value] : driver.kv)
            if (key.starts_with("evt/") &&
                value.value.find("checkout_session.paid") != std::string::npos)
                keys.push_back(key);
        return keys;
    };
    const auto a = paid_events(first);
    const auto b = paid_events(second);
    REQUIRE(a.size() == 1);
    CHECK(a == b);
}
