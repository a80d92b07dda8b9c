// Journeys whose subject is the clock, driven through the engine with a controlled clock and
// a scripted chain: the worker journeys (tests/journeys/) run on real time and cannot wait
// half an hour for a session to expire, so expiry by the clock, the late window and its end
// are shown here, through exactly the effect protocol the shim speaks.
#include "core/sessions/session_json.hpp"
#include "support/driver.hpp"
#include "support/scripted_chain.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

using paylinks::Json;
using paylinks::testing::Driver;

namespace {

using paylinks::testing::ScriptedChain;

struct Fixture {
    Driver driver;
    ScriptedChain chain;
    explicit Fixture(Json env = Driver::default_env())
        : driver(std::move(env)) {
        driver.rpc = [this](const Json& effect) { return chain.answer(effect); };
    }

    Json create() {
        auto created = driver.api("POST", "/api/v1/checkout_sessions",
                                  Json{{"fiatAmount", "25.00"}, {"fiatCurrency", "USD"}});
        REQUIRE(created.status == 201);
        return created.json;
    }

    paylinks::testing::HttpAnswer status(const Json& session) {
        return driver.request("GET", "/c/" + session["id"].get<std::string>() + "/status");
    }

    Json stored(const Json& session) {
        auto it = driver.kv.find(paylinks::sessions::session_key(session["id"].get<std::string>()));
        REQUIRE(it != driver.kv.end());
        return paylinks::parse_json(it->second.value).value_or(Json{});
    }

    bool watched(const Json& session) {
        const std::string deposit =
            paylinks::testing::lower_hex(session["depositAddress"].get<std::string>());
        for (const auto& [key, value] : driver.kv)
            if (key.rfind("watch/", 0) == 0 && value.metadata.is_object() &&
                value.metadata.value("d", "") == deposit)
                return true;
        return false;
    }
};

constexpr std::int64_t kTtlMs = 1800 * 1000;         // SESSION_TTL_SECONDS default
constexpr std::int64_t kLateWindowMs = 86400 * 1000; // LATE_WINDOW_SECONDS default

} // namespace

TEST_CASE("nothing paid: the session expires when expiresAt passes, by poll, by scan, and "
          "with the RPC down",
          "[chain][journey]") {
    Fixture f;
    auto polled = f.create();
    auto scanned = f.create();
    auto unreachable = f.create();
    auto first = f.status(polled);
    REQUIRE(first.status == 200);
    CHECK(first.json["status"] == "open");
    CHECK(first.headers["paylinks-chain-check"] == "ok");

    f.driver.now_ms += kTtlMs - 1000; // one second before expiresAt: still open
    CHECK(f.status(polled).json["status"] == "open");

    f.driver.now_ms += 1000; // expiresAt
    auto expired = f.status(polled);
    REQUIRE(expired.status == 200);
    CHECK(expired.json["status"] == "expired");
    CHECK(expired.json["payments"].empty());
    CHECK(expired.json["amountReceived"] == "0.000000");
    CHECK(expired.json["paidAt"].is_null());
    CHECK(f.stored(polled)["status"] == "expired");
    CHECK(f.watched(polled)); // the late window is still watched

    // The clock runs even when the chain cannot be read.
    f.chain.down = true;
    CHECK(f.stored(unreachable)["status"] == "open");
    auto down = f.status(unreachable);
    REQUIRE(down.status == 200);
    CHECK(down.json["status"] == "expired");
    CHECK(down.headers["paylinks-chain-check"] == "unavailable");
    CHECK(f.stored(unreachable)["status"] == "expired");

    // The cron scan expires what nobody polls.
    f.chain.down = false;
    CHECK(f.stored(scanned)["status"] == "open");
    f.driver.scheduled();
    CHECK(f.stored(scanned)["status"] == "expired");
    CHECK(f.watched(scanned));

    // The page says so, with no way to the success URL.
    auto page = f.driver.request("GET", "/c/" + polled["id"].get<std::string>());
    REQUIRE(page.status == 200);
    CHECK(page.body.find("data-status=\"expired\"") != std::string::npos);
}

TEST_CASE("paid after expiresAt: paid_late within the late window, nothing after it",
          "[chain][journey]") {
    Fixture f;
    auto late = f.create();
    auto unstamped = f.create();
    auto too_late = f.create();
    const std::int64_t expires_at_s = (f.driver.now_ms + kTtlMs) / 1000;

    // An hour after expiry a block carrying the payment is mined (the node stamps its time).
    f.driver.now_ms += kTtlMs + 3600 * 1000;
    CHECK(f.status(late).json["status"] == "expired");
    f.chain.pay(late["depositAddress"].get<std::string>(), 25'000'000, 101, expires_at_s + 3600);
    f.chain.head = 102;                     // two confirmations
    auto nothing_yet = f.status(unstamped); // another session: nothing for it yet
    CHECK(nothing_yet.json["status"] == "expired");
    f.driver.now_ms += 3000;
    auto answer = f.status(late);
    REQUIRE(answer.status == 200);
    CHECK(answer.json["status"] == "paid_late");
    CHECK(answer.json["amountReceived"] == "25.000000");
    CHECK_FALSE(answer.json["paidAt"].is_null());
    CHECK(f.watched(late)); // until the late window closes: more money may still come

    // The node gives no block time in its logs (the scripted chain never does): the block's
    // header says when it was mined.
    f.chain.pay(unstamped["depositAddress"].get<std::string>(), 25'000'000, 103,
                expires_at_s + 3700);
    f.chain.head = 104;
    f.driver.scheduled();
    CHECK(f.stored(unstamped)["status"] == "paid_late");

    // After the late window nothing is watched any more, and nothing is counted.
    f.driver.now_ms = (expires_at_s * 1000) + kLateWindowMs + 1000;
    f.driver.scheduled();
    CHECK(f.stored(too_late)["status"] == "expired");
    CHECK_FALSE(f.watched(too_late));
    f.chain.pay(too_late["depositAddress"].get<std::string>(), 25'000'000, 105,
                f.driver.now_ms / 1000);
    f.chain.head = 110;
    const int calls = f.chain.calls;
    auto after_window = f.status(too_late);
    REQUIRE(after_window.status == 200);
    CHECK(after_window.json["status"] == "expired");
    CHECK(after_window.json["payments"].empty());
    f.driver.scheduled();
    CHECK(f.stored(too_late)["status"] == "expired");
    CHECK(f.chain.calls - calls <= 2); // the scan's head (and chain id); no logs for it
}

TEST_CASE("a throttled poll after a failed chain check still says the chain is unavailable",
          "[chain][journey][regression]") {
    // Regression: the poll that came within 3 s of a failed check answered
    // `paylinks-chain-check: ok` with the stale stored state, as if it had been refreshed.
    Fixture f;
    auto session = f.create();
    f.chain.down = true;
    auto first = f.status(session);
    CHECK(first.headers["paylinks-chain-check"] == "unavailable");
    const int calls = f.chain.calls;
    f.driver.now_ms += 1000; // within the throttle: no new check...
    auto second = f.status(session);
    CHECK(f.chain.calls == calls);
    REQUIRE(second.status == 200);
    CHECK(second.json["status"] == "open");
    CHECK(second.headers["paylinks-chain-check"] == "unavailable"); // ...and no false "ok"

    // The node is back; the next check is due after the interval and succeeds.
    f.chain.down = false;
    f.chain.pay(session["depositAddress"].get<std::string>(), 25'000'000, 100, std::nullopt);
    f.driver.now_ms += 2000;
    auto third = f.status(session);
    CHECK(third.headers["paylinks-chain-check"] == "ok");
    CHECK(third.json["status"] == "detected");
    f.driver.now_ms += 1000; // throttled after a good check: "ok" again
    CHECK(f.status(session).headers["paylinks-chain-check"] == "ok");

    // /verify is never throttled and always reports its own outcome.
    f.chain.down = true;
    auto verify = f.driver.request("POST", "/c/" + session["id"].get<std::string>() + "/verify",
                                   R"({"transactionHash":"0x)" + std::string(64, '1') + R"("})",
                                   Json{{"content-type", "application/json"}});
    CHECK(verify.status == 502);
    CHECK(verify.error_code() == "upstream_unavailable");
}

namespace {

Json env_with(const char* name, const char* value) {
    Json env = Driver::default_env();
    env[name] = value;
    return env;
}

} // namespace

TEST_CASE("a payment after the late window does not fulfil the session, even through /verify",
          "[chain][journey][regression]") {
    // Regression: /verify skipped the watching window, and the state machine counted any
    // payment after expiresAt as paid_late, however late: a transfer days after the window
    // closed (at a rate long gone) fulfilled the session.
    Fixture f(env_with("LATE_WINDOW_SECONDS", "3600"));
    auto session = f.create();
    const std::int64_t expires_at_ms = f.driver.now_ms + kTtlMs;
    f.driver.now_ms = expires_at_ms + 2 * 3600 * 1000; // an hour after the window closed
    f.chain.pay(session["depositAddress"].get<std::string>(), 25'000'000, 101,
                f.driver.now_ms / 1000 - 60);
    f.chain.head = 105;
    auto verify = f.driver.request(
        "POST", "/c/" + session["id"].get<std::string>() + "/verify",
        R"({"transactionHash":")" + f.chain.logs[0]["transactionHash"].get<std::string>() + R"("})",
        Json{{"content-type", "application/json"}});
    CHECK(verify.status == 200);               // the transaction does pay this address...
    CHECK(verify.json["status"] == "expired"); // ...but too late to pay the session
    CHECK(verify.json["paidAt"].is_null());
    CHECK(verify.json["payments"].size() == 1); // listed, for the merchant to refund
    CHECK(f.stored(session)["status"] == "expired");

    // A payment stamped inside the window still counts, even when pointed at afterwards.
    auto in_window = f.create();
    const std::int64_t second_expiry = f.driver.now_ms + kTtlMs;
    f.driver.now_ms = second_expiry + 3600 * 1000 + 5000;
    f.chain.pay(in_window["depositAddress"].get<std::string>(), 25'000'000, 106,
                second_expiry / 1000 + 1800);
    f.chain.head = 110;
    auto late = f.driver.request(
        "POST", "/c/" + in_window["id"].get<std::string>() + "/verify",
        R"({"transactionHash":")" + f.chain.logs[1]["transactionHash"].get<std::string>() + R"("})",
        Json{{"content-type", "application/json"}});
    CHECK(late.status == 200);
    CHECK(late.json["status"] == "paid_late");
}

TEST_CASE("a payment made in time whose confirmations come after the window is still found",
          "[chain][journey][regression]") {
    // Regression: with a short late window, a session `detected` shortly before expiresAt
    // stopped being watched when the window closed and stayed `detected` for good.
    Fixture f(env_with("LATE_WINDOW_SECONDS", "0"));
    auto session = f.create();
    const std::int64_t expires_at_ms = f.driver.now_ms + kTtlMs;
    f.driver.now_ms = expires_at_ms - 30'000;
    f.chain.pay(session["depositAddress"].get<std::string>(), 25'000'000, 100,
                (expires_at_ms - 40'000) / 1000);
    f.chain.head = 100; // one confirmation of two
    CHECK(f.status(session).json["status"] == "detected");

    // The window closes (it is 0 s long); the scan still sees one confirmation.
    f.driver.now_ms = expires_at_ms + 60'000;
    f.driver.scheduled();
    CHECK(f.stored(session)["status"] == "detected");
    CHECK(f.watched(session));

    // The second confirmation arrives: both the poll and the scan find it.
    f.chain.head = 101;
    auto polled = f.status(session);
    CHECK(polled.json["status"] == "paid");
    CHECK_FALSE(f.watched(session));
}

TEST_CASE("the scan reads no session that cannot have changed, expired ones included",
          "[chain][journey]") {
    Fixture f;
    std::vector<Json> sessions;
    for (int i = 0; i < 20; ++i)
        sessions.push_back(f.create());
    auto count_gets = [&] {
        const auto before = f.driver.effect_log.size();
        f.driver.scheduled();
        int gets = 0;
        for (auto i = before; i < f.driver.effect_log.size(); ++i)
            if (f.driver.effect_log[i].value("op", "") == "kv.get" &&
                f.driver.effect_log[i].value("key", "").rfind("cs/", 0) == 0)
                ++gets;
        return gets;
    };
    CHECK(count_gets() == 0); // open, nothing on chain: quiet

    f.driver.now_ms += kTtlMs + 1000;
    CHECK(count_gets() == 20); // each expires once (status and index written)
    for (const auto& session : sessions)
        CHECK(f.stored(session)["status"] == "expired");

    // Expired with nothing on chain, inside the late window: nothing to read any more.
    f.driver.now_ms += 60'000;
    CHECK(count_gets() == 0);

    // A late payment makes its session worth reading again.
    f.chain.pay(sessions[3]["depositAddress"].get<std::string>(), 25'000'000, 101,
                f.driver.now_ms / 1000);
    f.chain.head = 102;
    f.driver.now_ms += 60'000;
    CHECK(count_gets() == 1);
    CHECK(f.stored(sessions[3])["status"] == "paid_late");

    // When the window closes, each is read once more to drop it from the watch index (the
    // paid one too: it is watched for more money until then).
    f.driver.now_ms += 86400 * 1000;
    CHECK(count_gets() == 20);
    f.driver.now_ms += 60'000;
    CHECK(count_gets() == 0);
    for (const auto& session : sessions)
        CHECK_FALSE(f.watched(session));
}
