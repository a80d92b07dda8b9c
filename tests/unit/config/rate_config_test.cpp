// RATE_FEEDS and RATE_MAX_AGE_SECONDS are checked once, at configuration: bad JSON, an
// unknown currency or a bad address is a configuration error naming the variable. The
// precedence of rate sources: USD and USDC at par, then RATES, then RATE_FEEDS.
#include "core/config/config.hpp"
#include "support/driver.hpp"

#include <catch2/catch.hpp>
#include <string>

using paylinks::Json;
using paylinks::config::load_config;
using paylinks::config::RateSourceKind;
using paylinks::testing::Driver;

namespace {
constexpr const char* kEurFeed = "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707";
}

TEST_CASE("RATE_FEEDS: a JSON object of currency → feed address", "[config][feed]") {
    struct Row {
        const char* value;
        bool usable;
        const char* names; ///< what the error must mention
    };
    const Row rows[] = {
        {R"({"EUR":"0x5FC8d32690cc91D4c39d9d3abcBD16989F875707"})", true, ""},
        {R"({"eur":"0x5fc8d32690cc91d4c39d9d3abcbd16989f875707","GBP":"0x0165878A594ca255338adfa4d48449f69242Eb8F"})",
         true, ""},
        {"{}", true, ""},
        {"not json", false, "RATE_FEEDS"},
        {R"(["EUR"])", false, "RATE_FEEDS"},
        {R"("0x5FC8d32690cc91D4c39d9d3abcBD16989F875707")", false, "RATE_FEEDS"},
        {R"({"XYZ":"0x5FC8d32690cc91D4c39d9d3abcBD16989F875707"})", false, "XYZ"},
        {R"({"USD":"0x5FC8d32690cc91D4c39d9d3abcBD16989F875707"})", false, "USD"},
        {R"({"USDC":"0x5FC8d32690cc91D4c39d9d3abcBD16989F875707"})", false, "USDC"},
        {R"({"EUR":"0x5FC8"})", false, "RATE_FEEDS[EUR]"},
        {R"({"EUR":"0x5FC8d32690cc91D4c39d9d3abcBD16989F875708"})", false, "RATE_FEEDS[EUR]"},
        {R"({"EUR":12})", false, "RATE_FEEDS[EUR]"},
        {R"({"EUR":null})", false, "RATE_FEEDS[EUR]"},
    };
    for (const auto& row : rows) {
        CAPTURE(row.value);
        auto env = Driver::default_env();
        env["RATE_FEEDS"] = row.value;
        const auto config = load_config(env);
        CHECK(config.error.empty() == row.usable);
        if (!row.usable) CHECK(config.error.find(row.names) != std::string::npos);
    }
}

TEST_CASE("RATE_MAX_AGE_SECONDS: default one hour, 60 s to 7 days", "[config][feed]") {
    CHECK(load_config(Driver::default_env()).rate_max_age_seconds == 3600);
    struct Row {
        const char* value;
        bool usable;
        std::int64_t seconds;
    };
    for (auto [value, usable, seconds] :
         {Row{"90000", true, 90000}, Row{"60", true, 60}, Row{"604800", true, 604800},
          Row{"59", false, 0}, Row{"604801", false, 0}, Row{"1h", false, 0}, Row{"-5", false, 0}}) {
        CAPTURE(value);
        auto env = Driver::default_env();
        env["RATE_MAX_AGE_SECONDS"] = value;
        const auto config = load_config(env);
        CHECK(config.error.empty() == usable);
        if (usable) CHECK(config.rate_max_age_seconds == seconds);
        if (!usable) CHECK(config.error.find("RATE_MAX_AGE_SECONDS") != std::string::npos);
    }
}

TEST_CASE("rate sources in order: par, RATES, RATE_FEEDS, none", "[config][feed]") {
    auto env = Driver::default_env();
    env["RATES"] = R"({"EUR":"1.08","CHF":"1.13"})";
    env["RATE_FEEDS"] = std::string(R"({"EUR":")") + kEurFeed + R"(","GBP":")" + kEurFeed + "\"}";
    const auto config = load_config(env);
    REQUIRE(config.error.empty());
    CHECK(rate_source_kind(config, "USD") == RateSourceKind::par);
    CHECK(rate_source_kind(config, "USDC") == RateSourceKind::par);
    CHECK(rate_source_kind(config, "EUR") == RateSourceKind::fixed); // RATES wins
    CHECK(rate_source_kind(config, "CHF") == RateSourceKind::fixed);
    CHECK(rate_source_kind(config, "GBP") == RateSourceKind::feed);
    CHECK(rate_source_kind(config, "JPY") == RateSourceKind::unavailable);

    env["RATES"] = R"({"USD":"1.01"})";
    CHECK(rate_source_kind(load_config(env), "USD") == RateSourceKind::fixed);
}

TEST_CASE("RATES_URL is no longer part of the configuration", "[config]") {
    auto env = Driver::default_env();
    env["RATES_URL"] = "ftp://not-even-http";
    CHECK(load_config(env).error.empty());
}
