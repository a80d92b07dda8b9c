#pragma once
// Fiat price → token amount, exactly. A rate is an exact fraction (token per fiat unit):
// a static RATES decimal, or a price feed's answer / 10^decimals. The product is rounded up
// to the token's base unit, in the merchant's favour, and only when the rate forces it
// (money never touches floating point).
#include "core/config/config.hpp"
#include "core/money/fiat.hpp"
#include "core/num/uint256.hpp"

#include <optional>
#include <string>

namespace paylinks::sessions {

/// ceil(minor_units / 10^exponent × rate × 10^token_decimals)
[[nodiscard]] num::uint256 token_amount_due(std::int64_t fiat_minor_units, money::Currency currency,
                                            const config::Rate& rate, unsigned token_decimals);

/// ceil(minor_units / 10^exponent × answer / 10^rate_decimals × 10^token_decimals), computed
/// in 1024 bits so that no product can wrap (answer < 2^256, decimals ≤ 77); nullopt when
/// the result does not fit in 256 bits. A price feed's answer is the USD price of one unit,
/// and the token is taken as one USD, so the answer is the rate.
[[nodiscard]] std::optional<num::uint256> token_amount_due(std::int64_t fiat_minor_units,
                                                           money::Currency currency,
                                                           const num::uint256& answer,
                                                           unsigned rate_decimals,
                                                           unsigned token_decimals) noexcept;

/// An amount due in `finest` decimals as an option in `decimals` (≤ finest) prices it:
/// ceil(due / 10^(finest − decimals)), so that paying it never falls short.
[[nodiscard]] num::uint256 option_amount_due(const num::uint256& due, unsigned finest,
                                             unsigned decimals);

/// answer / 10^decimals as the shortest exact decimal ("108370000", 8 → "1.0837"; 5, 0 →
/// "5"), the form exchangeRate shows.
[[nodiscard]] std::string rate_text(const num::uint256& answer, unsigned decimals);

} // namespace paylinks::sessions
