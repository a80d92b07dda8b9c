// Sessions priced by a price feed, through the engine and exactly the effect protocol the shim
// speaks: the feed's decimals() and latestRoundData() are read in one batch when a session is
// created, the rate is locked with the round it came from (rateSource), a round that is
// stale, from the future, not positive or malformed is refused with rate_unavailable, and a
// currency with no rate source at all is refused at creation of a link or a session.
#include "core/crypto/hex.hpp"
#include "core/num/uint256.hpp"
#include "support/driver.hpp"
#include "support/scripted_chain.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <string>

using paylinks::Json;
using paylinks::testing::Driver;
using paylinks::testing::ScriptedChain;
namespace num = paylinks::num;

namespace {

constexpr const char* kEurFeed = "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707";
constexpr const char* kGbpFeed = "0x0165878A594ca255338adfa4d48449f69242Eb8F";
constexpr std::int64_t kNowSeconds = 1'795'000'000; // Driver::now_ms / 1000

std::string word(const num::uint256& value) {
    return paylinks::crypto::hex_encode(num::to_be_bytes(value));
}

struct Feed {
    unsigned decimals = 8;
    num::uint256 round_id = 1;
    num::uint256 answer = 0;
    bool negative = false;
    std::int64_t updated_at = kNowSeconds - 30;
    std::string raw; ///< when set, latestRoundData() answers this instead
};

struct Fixture {
    Driver driver;
    ScriptedChain chain;
    std::map<std::string, Feed> feeds; ///< by lower-case address

    static Json env() {
        auto env = Driver::default_env();
        env["RATE_FEEDS"] =
            std::string(R"({"EUR":")") + kEurFeed + R"(","GBP":")" + kGbpFeed + "\"}";
        env["RATES"] = R"({"CHF":"1.13"})";
        return env;
    }

    explicit Fixture(Json configuration = env())
        : driver(std::move(configuration)) {
        Feed eur;
        eur.round_id = (num::uint256(2) << 64) | 77;
        eur.answer = 108'370'000;
        feeds[paylinks::testing::lower_hex(kEurFeed)] = eur;
        Feed gbp;
        gbp.decimals = 18;
        gbp.round_id = 5;
        gbp.answer = *num::parse_decimal_u256("1265000000000000000");
        feeds[paylinks::testing::lower_hex(kGbpFeed)] = gbp;
        driver.rpc = [this](const Json& effect) { return answer(effect); };
    }

    Json answer(const Json& effect) {
        if (effect.value("method", "") == "eth_call" && !chain.down) {
            const auto to = effect["params"][0].value("to", "");
            const auto data = effect["params"][0].value("data", "");
            if (auto it = feeds.find(to); it != feeds.end()) {
                const Feed& feed = it->second;
                if (data == "0x313ce567") return ScriptedChain::ok("0x" + word(feed.decimals));
                if (data == "0xfeaf968c") {
                    if (!feed.raw.empty()) return ScriptedChain::ok(feed.raw);
                    const num::uint256 answer =
                        feed.negative ? num::uint256(~feed.answer + 1) : feed.answer;
                    return ScriptedChain::ok("0x" + word(feed.round_id) + word(answer) +
                                             word(feed.updated_at) + word(feed.updated_at) +
                                             word(feed.round_id));
                }
                return ScriptedChain::rpc_error(3, "execution reverted");
            }
        }
        return chain.answer(effect);
    }

    Feed& eur() { return feeds[paylinks::testing::lower_hex(kEurFeed)]; }

    paylinks::testing::HttpAnswer create(const char* amount, const char* currency) {
        return driver.api("POST", "/api/v1/checkout_sessions",
                          Json{{"fiatAmount", amount}, {"fiatCurrency", currency}});
    }

    std::size_t stored_sessions() const {
        std::size_t count = 0;
        for (const auto& [key, value] : driver.kv)
            if (key.rfind("cs/", 0) == 0) ++count;
        return count;
    }
};

} // namespace

TEST_CASE("a EUR session is priced by its feed and says which round", "[feed][sessions]") {
    Fixture f;
    auto created = f.create("150.00", "EUR");
    REQUIRE(created.status == 201);
    // 150.00 × 1.0837 = 162.555 exactly.
    CHECK(created.json["amountDue"] == "162.555000");
    CHECK(created.json["exchangeRate"] == "1.0837");
    const Json source = created.json["rateSource"];
    CHECK(source == Json{{"type", "feed"},
                         {"feed", kEurFeed},
                         {"roundId", num::to_decimal((num::uint256(2) << 64) | 77)},
                         {"updatedAt", kNowSeconds - 30},
                         {"answer", "108370000"},
                         {"decimals", 8}});

    // decimals() and latestRoundData() went out in one batch.
    std::optional<std::size_t> decimals_batch, round_batch;
    for (std::size_t i = 0; i < f.driver.effect_log.size(); ++i) {
        const auto& effect = f.driver.effect_log[i];
        if (effect.value("method", "") != "eth_call" ||
            effect["params"][0].value("to", "") != paylinks::testing::lower_hex(kEurFeed))
            continue;
        const auto data = effect["params"][0].value("data", "");
        (data == "0x313ce567" ? decimals_batch : round_batch) = f.driver.effect_batch[i];
    }
    REQUIRE(decimals_batch);
    REQUIRE(round_batch);
    CHECK(*decimals_batch == *round_batch);

    // Stored with the session: a later read (and so every webhook) shows the same, even after
    // the feed moves.
    f.eur().answer = 200'000'000;
    f.eur().round_id = 99;
    auto read =
        f.driver.api("GET", "/api/v1/checkout_sessions/" + created.json["id"].get<std::string>());
    REQUIRE(read.status == 200);
    CHECK(read.json["rateSource"] == source);
    CHECK(read.json["amountDue"] == "162.555000");
    auto status =
        f.driver.request("GET", "/c/" + created.json["id"].get<std::string>() + "/status");
    REQUIRE(status.status == 200);
    CHECK(status.json["rateSource"] == source);
}

TEST_CASE("an 18-decimal feed, a static rate and USD", "[feed][sessions]") {
    Fixture f;
    auto gbp = f.create("100.00", "GBP");
    REQUIRE(gbp.status == 201);
    CHECK(gbp.json["amountDue"] == "126.500000");
    CHECK(gbp.json["exchangeRate"] == "1.265");
    CHECK(gbp.json["rateSource"]["decimals"] == 18);
    CHECK(gbp.json["rateSource"]["answer"] == "1265000000000000000");

    auto chf = f.create("10.00", "CHF");
    REQUIRE(chf.status == 201);
    CHECK(chf.json["amountDue"] == "11.300000");
    CHECK(chf.json["rateSource"] == Json{{"type", "static"}});

    auto usd = f.create("10.00", "USD");
    REQUIRE(usd.status == 201);
    CHECK(usd.json["amountDue"] == "10.000000");
    CHECK(usd.json["rateSource"].is_null());
}

TEST_CASE("a round the feed cannot vouch for prices nothing", "[feed][sessions]") {
    struct Row {
        const char* name;
        void (*spoil)(Feed&);
        const char* code;
        int status;
    };
    const Row rows[] = {
        {"stale: one second over an hour", [](Feed& f) { f.updated_at = kNowSeconds - 3601; },
         "rate_unavailable", 400},
        {"from the future", [](Feed& f) { f.updated_at = kNowSeconds + 3600; }, "rate_unavailable",
         400},
        {"zero answer", [](Feed& f) { f.answer = 0; }, "rate_unavailable", 400},
        {"negative answer", [](Feed& f) { f.negative = true; }, "rate_unavailable", 400},
        {"no completed round", [](Feed& f) { f.updated_at = 0; }, "rate_unavailable", 400},
        {"malformed answer", [](Feed& f) { f.raw = "0x1234"; }, "rate_unavailable", 400},
        {"not a contract", [](Feed& f) { f.raw = "0x"; }, "rate_unavailable", 400},
        {"decimals out of range", [](Feed& f) { f.decimals = 99; }, "rate_unavailable", 400},
    };
    for (const auto& row : rows) {
        CAPTURE(row.name);
        Fixture f;
        row.spoil(f.eur());
        auto created = f.create("150.00", "EUR");
        CHECK(created.status == row.status);
        CHECK(created.error_code() == row.code);
        CHECK(created.error_param() == "fiatCurrency");
        CHECK(f.stored_sessions() == 0);
    }
    SECTION("the RPC down is the chain being unreachable") {
        Fixture f;
        f.chain.down = true;
        auto created = f.create("150.00", "EUR");
        CHECK(created.status == 502);
        CHECK(created.error_code() == "upstream_unavailable");
        CHECK(f.stored_sessions() == 0);
    }
    SECTION("a visit to a EUR link with a stale feed opens nothing") {
        Fixture f;
        auto link =
            f.driver.api("POST", "/api/v1/payment_links",
                         Json{{"title", "Tee"}, {"fiatAmount", "20"}, {"fiatCurrency", "EUR"}});
        REQUIRE(link.status == 201);
        f.eur().updated_at = kNowSeconds - 7200;
        auto visit = f.driver.request("GET", "/l/" + link.json["slug"].get<std::string>());
        CHECK(visit.status == 503);
        CHECK(f.stored_sessions() == 0);
    }
}

TEST_CASE("RATE_MAX_AGE_SECONDS sets the age limit", "[feed][sessions]") {
    auto env = Fixture::env();
    env["RATE_MAX_AGE_SECONDS"] = "90000";
    Fixture f(env);
    f.eur().updated_at = kNowSeconds - 86400; // a 24 h heartbeat feed, just beaten
    CHECK(f.create("150.00", "EUR").status == 201);
    f.eur().updated_at = kNowSeconds - 90001;
    CHECK(f.create("150.00", "EUR").error_code() == "rate_unavailable");
}

TEST_CASE("a currency with no rate source is refused at creation", "[feed][links][sessions]") {
    Fixture f;
    const Json link_body{{"title", "Tee"}, {"fiatAmount", "2000"}, {"fiatCurrency", "JPY"}};
    auto link = f.driver.api("POST", "/api/v1/payment_links", link_body);
    CHECK(link.status == 400);
    CHECK(link.error_code() == "currency_unpriced");
    CHECK(link.error_param() == "fiatCurrency");
    CHECK(link.json["error"]["type"] == "invalid_request_error");
    CHECK(link.json["error"]["message"].get<std::string>().find("JPY") != std::string::npos);

    auto session = f.create("2000", "JPY");
    CHECK(session.status == 400);
    CHECK(session.error_code() == "currency_unpriced");
    CHECK(session.error_param() == "fiatCurrency");

    // Changing a link to such a currency is refused too; other edits of it are not.
    auto eur = f.driver.api("POST", "/api/v1/payment_links",
                            Json{{"title", "Tee"}, {"fiatAmount", "20"}, {"fiatCurrency", "EUR"}});
    REQUIRE(eur.status == 201);
    const std::string path = "/api/v1/payment_links/" + eur.json["id"].get<std::string>();
    auto patched = f.driver.api("PATCH", path, Json{{"fiatCurrency", "SEK"}});
    CHECK(patched.status == 400);
    CHECK(patched.error_code() == "currency_unpriced");
    CHECK(f.driver.api("PATCH", path, Json{{"title", "Shirt"}}).status == 200);
    CHECK(f.stored_sessions() == 0);
}

TEST_CASE("creating a link checks a source is configured, not that the feed answers",
          "[feed][links]") {
    Fixture f;
    f.chain.down = true;
    f.eur().updated_at = 0;
    const auto rpc_before = f.chain.calls;
    auto link = f.driver.api("POST", "/api/v1/payment_links",
                             Json{{"title", "Tee"}, {"fiatAmount", "20"}, {"fiatCurrency", "EUR"}});
    CHECK(link.status == 201);
    CHECK(f.chain.calls == rpc_before);
}
