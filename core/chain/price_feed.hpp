#pragma once
// Chainlink-compatible price feeds, read side of AggregatorV3Interface: the two eth_calls a
// rate needs, strict readers of their ABI answers, and the checks a round must pass before
// it may price anything. A feed answers the price of one unit of a currency in USD (for
// EUR, the EUR / USD feed); the token is taken to be worth one USD, as the static rates
// are. A feed is an RPC answer, so untrusted input: anything malformed, non-positive, stale
// or from the future is a FeedFault, never a rate.
#include "core/engine/context.hpp"
#include "core/engine/effects.hpp"
#include "core/engine/task.hpp"
#include "core/eth/address.hpp"
#include "core/num/uint256.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace paylinks::chain {

/// latestRoundData() → (uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt,
/// uint80 answeredInRound). decimals() is the ERC-20 selector (rpc.hpp kDecimalsSelector).
inline constexpr std::string_view kLatestRoundDataSelector = "0xfeaf968c";

/// How far ahead of the service's clock a round's updatedAt may be (block timestamps run a
/// little ahead of wall clocks); anything later is refused.
inline constexpr std::int64_t kFeedClockSkewSeconds = 60;

enum class FeedError : std::uint8_t {
    call_failed,        ///< an eth_call failed (transport, JSON-RPC error, revert)
    malformed,          ///< latestRoundData() is not five ABI words of its declared types
    decimals_malformed, ///< decimals() is not one ABI word holding 0…77
    not_positive,       ///< answer ≤ 0
    stale,              ///< updatedAt older than the age limit (or 0: no round yet)
    from_future,        ///< updatedAt later than now plus kFeedClockSkewSeconds
};
[[nodiscard]] std::string_view to_string(FeedError error) noexcept;

struct FeedFault {
    FeedError code;
    std::string message;
};

/// One latestRoundData() answer as the ABI states it.
struct RoundData {
    num::uint256 round_id;          ///< uint80
    num::uint256 answer_magnitude;  ///< |answer|
    bool answer_negative = false;   ///< int256 sign
    std::uint64_t started_at = 0;   ///< Unix seconds
    std::uint64_t updated_at = 0;   ///< Unix seconds
    num::uint256 answered_in_round; ///< uint80
};

/// Reads an eth_call result of latestRoundData(): exactly 160 bytes; the uint80 words must
/// have their top 22 bytes zero, the timestamps must be at most year 9999.
[[nodiscard]] std::variant<RoundData, FeedFault> read_round_data(const Json& result);

/// Reads an eth_call result of a feed's decimals(): one ABI word holding 0…77.
[[nodiscard]] std::variant<unsigned, FeedFault> read_feed_decimals(const Json& result);

/// A round that passed every check: the rate is answer / 10^decimals (USD per unit).
struct FeedRate {
    eth::Address feed{};
    num::uint256 round_id;
    num::uint256 answer; ///< > 0
    unsigned decimals = 0;
    std::int64_t updated_at = 0; ///< Unix seconds
};

/// Accepts `round` only if answer > 0 and now − max_age ≤ updatedAt ≤ now + skew.
[[nodiscard]] std::variant<FeedRate, FeedFault>
accept_round(const eth::Address& feed, const RoundData& round, unsigned decimals,
             std::int64_t now_seconds, std::int64_t max_age_seconds);

/// decimals() then latestRoundData() of `feed`, to be sent as one batch.
[[nodiscard]] std::vector<engine::Effect> feed_calls(const eth::Address& feed);

/// Reads `feed` through the RPC, both calls in one JSON-RPC batch (so decimals and the round
/// come from the same node at nearly the same block), and accepts its round against the
/// context's clock and RATE_MAX_AGE_SECONDS.
[[nodiscard]] engine::Task<std::variant<FeedRate, FeedFault>> read_feed(engine::Context& ctx,
                                                                        eth::Address feed);

} // namespace paylinks::chain
