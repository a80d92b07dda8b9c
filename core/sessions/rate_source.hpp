#pragma once
// Where a session's exchange rate came from, so anyone can check it: a price feed's round
// (its address, round id, updatedAt, raw answer and decimals, readable on chain with
// getRoundData) or the static RATES override. USD and USDC sessions have none.
#include "core/eth/address.hpp"
#include "core/util/json.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace paylinks::sessions {

struct RateSource {
    enum class Type : std::uint8_t { fixed, feed };
    Type type = Type::fixed;
    // Feed rounds only:
    eth::Address feed{};
    std::string round_id;        ///< uint80, decimal
    std::int64_t updated_at = 0; ///< Unix seconds
    std::string answer;          ///< int256 (> 0), decimal
    unsigned decimals = 0;
};

/// {"type":"static"} or {"type":"feed","feed":"0x…" (EIP-55),"roundId":"…",
/// "updatedAt":<Unix seconds>,"answer":"…","decimals":N}; the stored and API forms are
/// the same.
[[nodiscard]] Json to_json(const RateSource& source);
/// The inverse of to_json, strictly: nullopt when any member is missing or malformed.
[[nodiscard]] std::optional<RateSource> rate_source_from_json(const Json& value);

} // namespace paylinks::sessions
