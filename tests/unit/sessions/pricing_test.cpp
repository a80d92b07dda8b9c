// Pricing (sessions/pricing.hpp): a fiat price in minor units times a rate, rounded up to the
// token's base unit only when the rate forces it — checked against exact expectations worked
// out by hand, for feed answers with 8 and 18 decimals, tokens with 6 and 18 decimals and
// currencies with 2 and 0 minor digits.
#include "core/money/fiat.hpp"
#include "core/sessions/pricing.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <string>

using namespace paylinks;

namespace {

money::Currency currency(const char* code) {
    return *money::find_currency(code);
}

num::uint256 big(const char* digits) {
    return *num::parse_decimal_u256(digits);
}

} // namespace

TEST_CASE("feed answers convert exactly, rounding up only when forced", "[pricing][feed]") {
    struct Row {
        const char* name;
        std::int64_t minor;
        const char* code;
        num::uint256 answer;
        unsigned rate_decimals;
        unsigned token_decimals;
        num::uint256 expected;
    };
    const Row rows[] = {
        // 150.00 EUR × 1.0837 = 162.555 USDC exactly: no rounding.
        {"EUR, 8-decimal feed, 6-decimal token", 15000, "EUR", 108'370'000, 8, 6, 162'555'000},
        // 19.99 EUR × 1.0837 = 21.663163 exactly.
        {"EUR 19.99", 1999, "EUR", 108'370'000, 8, 6, 21'663'163},
        // 0.01 EUR × 1.08371234 = 0.0108371234 → 0.010838 (up).
        {"EUR 0.01, fraction below the base unit rounds up", 1, "EUR", 108'371'234, 8, 6, 10'838},
        // 1500 JPY × 0.0067 = 10.05 USDC exactly; JPY has no minor unit.
        {"JPY, 0 minor digits", 1500, "JPY", 670'000, 8, 6, 10'050'000},
        // 1 JPY × 0.00670001 = 0.00670001 → 0.006701 (up).
        {"JPY 1, rounds up", 1, "JPY", 670'001, 8, 6, 6'701},
        // 100.00 GBP × 1.265 with an 18-decimal feed = 126.5.
        {"GBP, 18-decimal feed", 10000, "GBP", big("1265000000000000000"), 18, 6, 126'500'000},
        // 0.01 EUR at 1.000000000000000001 (18 decimals) → 0.01000000000000000001 → 0.010001.
        {"18-decimal feed, tiny excess rounds up", 1, "EUR", big("1000000000000000001"), 18, 6,
         10'001},
        // 18-decimal token: 2.50 EUR × 1.0837 = 2.70925 → 2709250000000000000 exactly.
        {"18-decimal token", 250, "EUR", 108'370'000, 8, 18, big("2709250000000000000")},
        // A 0-decimal feed (answer is whole USD) and a 0-decimal token.
        {"0-decimal feed and token, rounds up", 1, "EUR", 2, 0, 0, 1},
        {"largest price, 18-decimal token", 100'000'000'00, "EUR", big("1083700000000000000"), 18,
         18, big("108370000000000000000000000")},
        {"zero price", 0, "EUR", 108'370'000, 8, 6, 0},
    };
    for (const auto& row : rows) {
        CAPTURE(row.name);
        auto due = sessions::token_amount_due(row.minor, currency(row.code), row.answer,
                                              row.rate_decimals, row.token_decimals);
        REQUIRE(due.has_value());
        CHECK(*due == row.expected);
    }
}

TEST_CASE("a feed answer agrees with the same rate given in RATES", "[pricing][feed]") {
    // RATES {"EUR":"1.0837"} and a feed answering 108370000 with 8 decimals price alike.
    const auto rate = *config::parse_rate("1.0837");
    for (std::int64_t minor : {1, 7, 99, 1999, 15000, 123456789}) {
        for (unsigned token_decimals : {0u, 2u, 6u, 18u}) {
            CAPTURE(minor, token_decimals);
            CHECK(sessions::token_amount_due(minor, currency("EUR"), 108'370'000, 8,
                                             token_decimals) ==
                  sessions::token_amount_due(minor, currency("EUR"), rate, token_decimals));
        }
    }
}

TEST_CASE("feed amounts that cannot fit 256 bits are refused, not wrapped", "[pricing][feed]") {
    const num::uint256 max = ~num::uint256(0);
    CHECK_FALSE(sessions::token_amount_due(100'000'000'00, currency("EUR"), max, 0, 18));
    CHECK_FALSE(sessions::token_amount_due(1, currency("EUR"), 1, 78, 6));
    // The largest answer still prices a small amount with many decimals in the feed.
    CHECK(sessions::token_amount_due(1, currency("EUR"), max, 77, 6).has_value());
}

TEST_CASE("exchangeRate text of a feed answer", "[pricing][feed]") {
    struct Row {
        num::uint256 answer;
        unsigned decimals;
        const char* text;
    };
    for (const auto& row : {Row{108'370'000, 8, "1.0837"}, Row{670'000, 8, "0.0067"},
                            Row{100'000'000, 8, "1"}, Row{5, 0, "5"}, Row{50, 1, "5"},
                            Row{1, 18, "0.000000000000000001"}, Row{120, 0, "120"}}) {
        CAPTURE(row.text);
        CHECK(sessions::rate_text(row.answer, row.decimals) == row.text);
    }
}
