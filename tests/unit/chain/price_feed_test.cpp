// Price feeds (chain/price_feed.hpp): the ABI answers of latestRoundData() and decimals()
// read strictly — every malformed answer is a FeedFault, never a rate or a crash — and the
// checks a round must pass (answer > 0, not older than the age limit, not from the future).
#include "core/chain/price_feed.hpp"
#include "core/crypto/hex.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <string>

using namespace paylinks;
using chain::FeedError;

namespace {

// One ABI word of a non-negative value.
std::string word(const num::uint256& value) {
    return crypto::hex_encode(num::to_be_bytes(value));
}
// An int256 word: two's complement for negative values.
std::string signed_word(const num::uint256& magnitude, bool negative) {
    return word(negative ? num::uint256(~magnitude + 1) : magnitude);
}
Json ok(const std::string& hex) {
    return Json{{"ok", true}, {"value", hex}};
}
std::string round_hex(const num::uint256& round_id, const num::uint256& answer, bool negative,
                      const num::uint256& started_at, const num::uint256& updated_at,
                      const num::uint256& answered_in_round) {
    return "0x" + word(round_id) + signed_word(answer, negative) + word(started_at) +
           word(updated_at) + word(answered_in_round);
}

const eth::Address kFeed = *eth::parse_address("0x5FC8d32690cc91D4c39d9d3abcBD16989F875707");
constexpr std::int64_t kNow = 1'795'000'000;

} // namespace

TEST_CASE("latestRoundData() answers that read as a round", "[chain][feed]") {
    // A Chainlink round id: phase 7 in the top 16 bits of the uint80, round 12345 below.
    const num::uint256 phased = (num::uint256(7) << 64) | 12345;
    const num::uint256 max_u80 = (num::uint256(1) << 80) - 1;
    struct Row {
        const char* name;
        num::uint256 round_id, answer;
        bool negative;
        num::uint256 updated_at;
    };
    const Row rows[] = {
        {"EUR / USD, 8 decimals", 1, 108'370'000, false, kNow},
        {"phased round id", phased, 126'500'000, false, kNow - 10},
        {"largest uint80 round id", max_u80, 1, false, 1},
        {"negative answer reads as negative", 3, 5, true, kNow},
        {"int256 minimum", 3, num::uint256(1) << 255, true, kNow},
        {"zero answer", 3, 0, false, kNow},
        {"18-decimal answer", 9, num::uint256(1'083'700'000'000'000'000ull), false, kNow},
    };
    for (const auto& row : rows) {
        CAPTURE(row.name);
        auto read = chain::read_round_data(ok(round_hex(
            row.round_id, row.answer, row.negative, row.updated_at, row.updated_at, row.round_id)));
        REQUIRE(std::holds_alternative<chain::RoundData>(read));
        const auto& round = std::get<chain::RoundData>(read);
        CHECK(round.round_id == row.round_id);
        CHECK(round.answer_magnitude == row.answer);
        CHECK(round.answer_negative == (row.negative && row.answer != 0));
        CHECK(round.updated_at == static_cast<std::uint64_t>(row.updated_at));
        CHECK(round.started_at == static_cast<std::uint64_t>(row.updated_at));
        CHECK(round.answered_in_round == row.round_id);
    }
}

TEST_CASE("malformed latestRoundData() answers are faults", "[chain][feed]") {
    const std::string good = round_hex(1, 108'370'000, false, kNow, kNow, 1);
    const std::string too_big_u80 = word(num::uint256(1) << 80);
    const std::string year_10000 = word(253402300800ull);
    struct Row {
        const char* name;
        Json result;
        FeedError code;
    };
    const Row rows[] = {
        {"call failed", Json{{"ok", false}, {"error", "connect ECONNREFUSED"}},
         FeedError::call_failed},
        {"reverted",
         Json{{"ok", false},
              {"error", "RPC error 3: execution reverted"},
              {"rpcError", {{"code", 3}, {"message", "execution reverted"}}}},
         FeedError::call_failed},
        {"no code at the address: 0x", ok("0x"), FeedError::malformed},
        {"four words", ok(good.substr(0, 2 + 4 * 64)), FeedError::malformed},
        {"six words", ok(good + word(0)), FeedError::malformed},
        {"half a word short", ok(good.substr(0, good.size() - 32)), FeedError::malformed},
        {"odd number of digits", ok(good + "0"), FeedError::malformed},
        {"not hex", ok("0x" + std::string(320, 'g')), FeedError::malformed},
        {"no 0x", ok(good.substr(2)), FeedError::malformed},
        {"a number, not a string", Json{{"ok", true}, {"value", 5}}, FeedError::malformed},
        {"null", Json{{"ok", true}, {"value", nullptr}}, FeedError::malformed},
        {"no value", Json{{"ok", true}}, FeedError::malformed},
        {"roundId over uint80", ok("0x" + too_big_u80 + good.substr(2 + 64)), FeedError::malformed},
        {"answeredInRound over uint80", ok(good.substr(0, 2 + 4 * 64) + too_big_u80),
         FeedError::malformed},
        {"updatedAt past year 9999",
         ok(good.substr(0, 2 + 3 * 64) + year_10000 + good.substr(2 + 4 * 64)),
         FeedError::malformed},
        {"startedAt past year 9999",
         ok(good.substr(0, 2 + 2 * 64) + year_10000 + good.substr(2 + 3 * 64)),
         FeedError::malformed},
    };
    for (const auto& row : rows) {
        CAPTURE(row.name);
        auto read = chain::read_round_data(row.result);
        REQUIRE(std::holds_alternative<chain::FeedFault>(read));
        CHECK(std::get<chain::FeedFault>(read).code == row.code);
        CHECK_FALSE(std::get<chain::FeedFault>(read).message.empty());
    }
}

TEST_CASE("decimals() answers of a feed", "[chain][feed]") {
    struct Row {
        const char* name;
        Json result;
        std::optional<unsigned> decimals;
    };
    const Row rows[] = {
        {"8", ok("0x" + word(8)), 8u},
        {"18", ok("0x" + word(18)), 18u},
        {"0", ok("0x" + word(0)), 0u},
        {"77", ok("0x" + word(77)), 77u},
        {"78", ok("0x" + word(78)), std::nullopt},
        {"huge", ok("0x" + word(num::uint256(1) << 200)), std::nullopt},
        {"two words", ok("0x" + word(8) + word(8)), std::nullopt},
        {"short", ok("0x08"), std::nullopt},
        {"empty", ok("0x"), std::nullopt},
        {"failed", Json{{"ok", false}, {"error", "timeout"}}, std::nullopt},
    };
    for (const auto& row : rows) {
        CAPTURE(row.name);
        auto read = chain::read_feed_decimals(row.result);
        REQUIRE(std::holds_alternative<unsigned>(read) == row.decimals.has_value());
        if (row.decimals) CHECK(std::get<unsigned>(read) == *row.decimals);
    }
}

TEST_CASE("a round is used only if positive, fresh and not from the future", "[chain][feed]") {
    constexpr std::int64_t kMaxAge = 3600;
    struct Row {
        const char* name;
        num::uint256 answer;
        bool negative;
        std::uint64_t updated_at;
        std::optional<FeedError> refused;
    };
    const Row rows[] = {
        {"just updated", 108'370'000, false, kNow, std::nullopt},
        {"exactly the age limit", 108'370'000, false, kNow - kMaxAge, std::nullopt},
        {"one second over the age limit", 108'370'000, false, kNow - kMaxAge - 1, FeedError::stale},
        {"a day old", 108'370'000, false, kNow - 86400, FeedError::stale},
        {"never updated (updatedAt 0)", 108'370'000, false, 0, FeedError::stale},
        {"within the clock skew", 108'370'000, false, kNow + chain::kFeedClockSkewSeconds,
         std::nullopt},
        {"beyond the clock skew", 108'370'000, false, kNow + chain::kFeedClockSkewSeconds + 1,
         FeedError::from_future},
        {"zero answer", 0, false, kNow, FeedError::not_positive},
        {"negative answer", 1, true, kNow, FeedError::not_positive},
        {"smallest positive answer", 1, false, kNow, std::nullopt},
    };
    for (const auto& row : rows) {
        CAPTURE(row.name);
        chain::RoundData round;
        round.round_id = 42;
        round.answer_magnitude = row.answer;
        round.answer_negative = row.negative;
        round.updated_at = round.started_at = row.updated_at;
        round.answered_in_round = 42;
        auto accepted = chain::accept_round(kFeed, round, 8, kNow, kMaxAge);
        if (row.refused) {
            REQUIRE(std::holds_alternative<chain::FeedFault>(accepted));
            CHECK(std::get<chain::FeedFault>(accepted).code == *row.refused);
        } else {
            REQUIRE(std::holds_alternative<chain::FeedRate>(accepted));
            const auto& rate = std::get<chain::FeedRate>(accepted);
            CHECK(rate.feed == kFeed);
            CHECK(rate.round_id == 42);
            CHECK(rate.answer == row.answer);
            CHECK(rate.decimals == 8);
            CHECK(rate.updated_at == static_cast<std::int64_t>(row.updated_at));
        }
    }
}

TEST_CASE("a feed is read with decimals() and latestRoundData() in one batch", "[chain][feed]") {
    const auto calls = chain::feed_calls(kFeed);
    REQUIRE(calls.size() == 2);
    const Json& decimals = calls[0];
    const Json& round = calls[1];
    CHECK(decimals["method"] == "eth_call");
    CHECK(decimals["params"][0]["data"] == "0x313ce567");
    CHECK(round["params"][0]["data"] == "0xfeaf968c");
    CHECK(round["params"][0]["to"] == "0x5fc8d32690cc91d4c39d9d3abcbd16989f875707");
    CHECK(round["params"][1] == "latest");
}
