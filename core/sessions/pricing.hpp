#pragma once
// Fiat price → token amount, exactly. The rate is a decimal (token per fiat unit); the
// product is rounded up to the token's base unit, in the merchant's favour, and only when
// the rate forces it.
#include "core/config/config.hpp"
#include "core/money/fiat.hpp"
#include "core/num/uint256.hpp"

namespace paylinks::sessions {

/// ceil(minor_units / 10^exponent × rate × 10^token_decimals)
[[nodiscard]] num::uint256 token_amount_due(std::int64_t fiat_minor_units, money::Currency currency,
                                            const config::Rate& rate, unsigned token_decimals);

} // namespace paylinks::sessions
