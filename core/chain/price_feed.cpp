#include "core/chain/price_feed.hpp"

#include "core/chain/rpc.hpp"
#include "core/crypto/hex.hpp"

#include <span>

namespace paylinks::chain {
namespace {

constexpr std::size_t kWord = 32;
/// 9999-12-31T23:59:59Z: later timestamps are not times a node can mean.
constexpr std::uint64_t kLatestTimestamp = 253402300799ull;

// The bytes of an eth_call answer ("0x" + an even number of hex digits), or nullopt.
std::optional<std::vector<std::uint8_t>> call_bytes(const Json& result) {
    auto text = engine::read_string_value(result);
    if (!text || text->size() < 2 || text->size() % 2 != 0 || text->compare(0, 2, "0x") != 0)
        return std::nullopt;
    return crypto::hex_decode(std::string_view(*text).substr(2));
}

num::uint256 word_at(const std::vector<std::uint8_t>& bytes, std::size_t index) noexcept {
    return num::from_be_bytes(
        std::span<const std::uint8_t, kWord>(bytes.data() + index * kWord, kWord));
}

// Whether the word fits in `bits` bits (ABI: a uintN is zero-padded on the left).
bool fits(const num::uint256& value, unsigned bits) noexcept {
    return bits >= 256 || (value >> bits) == 0;
}

std::string call_failure(const Json& result, std::string_view what) {
    return std::string(what) + " could not be read: " + engine::failure_message(result);
}

} // namespace

std::string_view to_string(FeedError error) noexcept {
    switch (error) {
    case FeedError::call_failed:
        return "call_failed";
    case FeedError::malformed:
        return "malformed";
    case FeedError::decimals_malformed:
        return "decimals_malformed";
    case FeedError::not_positive:
        return "not_positive";
    case FeedError::stale:
        return "stale";
    case FeedError::from_future:
        return "from_future";
    }
    return "unknown";
}

std::variant<RoundData, FeedFault> read_round_data(const Json& result) {
    if (!engine::succeeded(result))
        return FeedFault{FeedError::call_failed, call_failure(result, "latestRoundData()")};
    auto bytes = call_bytes(result);
    if (!bytes || bytes->size() != 5 * kWord)
        return FeedFault{FeedError::malformed,
                         "latestRoundData() answered something other than five ABI words (is "
                         "this a Chainlink-compatible price feed on this chain?)"};
    RoundData round;
    round.round_id = word_at(*bytes, 0);
    const num::uint256 answer = word_at(*bytes, 1);
    const num::uint256 started_at = word_at(*bytes, 2);
    const num::uint256 updated_at = word_at(*bytes, 3);
    round.answered_in_round = word_at(*bytes, 4);
    if (!fits(round.round_id, 80) || !fits(round.answered_in_round, 80) ||
        started_at > kLatestTimestamp || updated_at > kLatestTimestamp)
        return FeedFault{FeedError::malformed,
                         "latestRoundData() answered words out of range for (uint80, int256, "
                         "uint256, uint256, uint80)"};
    // int256 in two's complement: the top bit is the sign.
    round.answer_negative = (answer >> 255) != 0;
    round.answer_magnitude = round.answer_negative ? num::uint256(~answer + 1) : answer;
    round.started_at = static_cast<std::uint64_t>(started_at);
    round.updated_at = static_cast<std::uint64_t>(updated_at);
    return round;
}

std::variant<unsigned, FeedFault> read_feed_decimals(const Json& result) {
    if (!engine::succeeded(result))
        return FeedFault{FeedError::call_failed, call_failure(result, "decimals()")};
    auto bytes = call_bytes(result);
    if (!bytes || bytes->size() != kWord || word_at(*bytes, 0) > 77)
        return FeedFault{FeedError::decimals_malformed,
                         "decimals() answered something other than a number from 0 to 77 (is "
                         "this a Chainlink-compatible price feed on this chain?)"};
    return static_cast<unsigned>(word_at(*bytes, 0));
}

std::variant<FeedRate, FeedFault> accept_round(const eth::Address& feed, const RoundData& round,
                                               unsigned decimals, std::int64_t now_seconds,
                                               std::int64_t max_age_seconds) {
    if (round.answer_negative || round.answer_magnitude == 0)
        return FeedFault{FeedError::not_positive,
                         "the feed's answer is not positive (" +
                             std::string(round.answer_negative ? "-" : "") +
                             num::to_decimal(round.answer_magnitude) + ")"};
    const auto updated_at = static_cast<std::int64_t>(round.updated_at);
    if (updated_at > now_seconds + kFeedClockSkewSeconds)
        return FeedFault{FeedError::from_future, "the feed's round is dated " +
                                                     std::to_string(updated_at - now_seconds) +
                                                     " s in the future"};
    if (round.updated_at == 0 || now_seconds - updated_at > max_age_seconds)
        return FeedFault{FeedError::stale, round.updated_at == 0
                                               ? std::string("the feed has no completed round")
                                               : "the feed's answer is " +
                                                     std::to_string(now_seconds - updated_at) +
                                                     " s old, over RATE_MAX_AGE_SECONDS (" +
                                                     std::to_string(max_age_seconds) + ")"};
    return FeedRate{feed, round.round_id, round.answer_magnitude, decimals, updated_at};
}

std::vector<engine::Effect> feed_calls(const eth::Address& feed) {
    std::vector<engine::Effect> effects;
    effects.push_back(eth_call_view(feed, kDecimalsSelector));
    effects.push_back(eth_call_view(feed, kLatestRoundDataSelector));
    return effects;
}

engine::Task<std::variant<FeedRate, FeedFault>> read_feed(engine::Context& ctx, eth::Address feed) {
    auto results = co_await ctx.perform(feed_calls(feed));
    if (results.size() != 2)
        co_return FeedFault{FeedError::call_failed, "the feed's calls were not answered"};
    auto decimals = read_feed_decimals(results[0]);
    if (auto* fault = std::get_if<FeedFault>(&decimals)) co_return std::move(*fault);
    auto round = read_round_data(results[1]);
    if (auto* fault = std::get_if<FeedFault>(&round)) co_return std::move(*fault);
    const std::int64_t now_seconds = ctx.now_ms() / 1000;
    co_return accept_round(feed, std::get<RoundData>(round), std::get<unsigned>(decimals),
                           now_seconds, ctx.config().rate_max_age_seconds);
}

} // namespace paylinks::chain
