#include "core/sessions/pricing.hpp"

#include <boost/multiprecision/cpp_int.hpp>

namespace paylinks::sessions {
namespace {

using wide = boost::multiprecision::uint1024_t;

wide power_of_ten(unsigned exponent) noexcept {
    wide value = 1;
    for (unsigned i = 0; i < exponent; ++i)
        value *= 10;
    return value;
}

} // namespace

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

num::uint256 option_amount_due(const num::uint256& due, unsigned finest, unsigned decimals) {
    num::uint256 divisor = 1;
    for (unsigned i = decimals; i < finest; ++i)
        divisor *= 10;
    num::uint256 quotient = due / divisor;
    if (quotient * divisor != due) ++quotient;
    return quotient;
}

std::optional<num::uint256> token_amount_due(std::int64_t fiat_minor_units,
                                             money::Currency currency, const num::uint256& answer,
                                             unsigned rate_decimals,
                                             unsigned token_decimals) noexcept {
    if (rate_decimals > 77 || token_decimals > 77) return std::nullopt;
    // At most 2^63 × 2^256 × 10^77 < 2^575 and 10^(77 + exponent): far inside 1024 bits.
    const wide numerator = wide(fiat_minor_units < 0 ? 0 : fiat_minor_units) * wide(answer) *
                           power_of_ten(token_decimals);
    const wide denominator = power_of_ten(rate_decimals + currency.exponent);
    wide quotient = numerator / denominator;
    if (quotient * denominator != numerator) ++quotient;
    if ((quotient >> 256) != 0) return std::nullopt;
    return static_cast<num::uint256>(quotient);
}

std::string rate_text(const num::uint256& answer, unsigned decimals) {
    std::string text = num::format_units(answer, decimals);
    if (text.find('.') == std::string::npos) return text;
    while (text.back() == '0')
        text.pop_back();
    if (text.back() == '.') text.pop_back();
    return text;
}

} // namespace paylinks::sessions
