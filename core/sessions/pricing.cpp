#include "core/sessions/pricing.hpp"

namespace paylinks::sessions {

num::uint256 token_amount_due(std::int64_t fiat_minor_units, money::Currency currency,
                              const config::Rate& rate, unsigned token_decimals) {
    num::uint256 numerator =
        num::uint256(fiat_minor_units < 0 ? 0 : fiat_minor_units) * rate.numerator;
    for (unsigned i = 0; i < token_decimals; ++i)
        numerator *= 10;
    num::uint256 denominator = rate.denominator;
    for (unsigned i = 0; i < currency.exponent; ++i)
        denominator *= 10;
    num::uint256 quotient = numerator / denominator;
    if (quotient * denominator != numerator) ++quotient;
    return quotient;
}

} // namespace paylinks::sessions
