#pragma once
// Fiat prices: decimal strings in, integers of minor units inside, decimal strings out.
// No floating point: "150.5" USD is 15050 cents, parsed digit by digit.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

namespace paylinks::money {

/// A pricing currency: ISO 4217 code and its minor-unit exponent (ISO 4217 table), or USDC.
struct Currency {
    std::string_view code;
    unsigned exponent;
};

inline constexpr std::array kCurrencies{
    Currency{"AED", 2},  Currency{"AUD", 2}, Currency{"BRL", 2}, Currency{"CAD", 2},
    Currency{"CHF", 2},  Currency{"CZK", 2}, Currency{"DKK", 2}, Currency{"EUR", 2},
    Currency{"GBP", 2},  Currency{"HKD", 2}, Currency{"INR", 2}, Currency{"JPY", 0},
    Currency{"KRW", 0},  Currency{"MXN", 2}, Currency{"NOK", 2}, Currency{"NZD", 2},
    Currency{"PLN", 2},  Currency{"SEK", 2}, Currency{"SGD", 2}, Currency{"USD", 2},
    Currency{"USDC", 2}, Currency{"ZAR", 2},
};

/// What a price is in when the request names no currency.
inline constexpr std::string_view kDefaultCurrency = "USD";

/// Looks up a code in any ASCII case ("usd" is USD); nullopt if unsupported.
[[nodiscard]] std::optional<Currency> find_currency(std::string_view code) noexcept;

/// The bounds every price must respect: 0.01 (or one minor unit when there is none
/// smaller, e.g. ¥1) up to 100,000,000 whole units.
inline constexpr std::int64_t kMaxWholeUnits = 100'000'000;

enum class AmountError {
    format,      ///< not ^\d+(\.\d{1,2})?$
    too_precise, ///< more decimals than the currency has
    too_small,   ///< below the minimum
    too_large,   ///< above 100,000,000
};
[[nodiscard]] std::string_view to_string(AmountError error) noexcept;

/// Parses a price such as "150" or "150.5" into minor units of `currency`.
[[nodiscard]] std::variant<std::int64_t, AmountError> parse_fiat_amount(std::string_view text,
                                                                        Currency currency) noexcept;

/// Minor units back to the canonical string with exactly `exponent` decimals ("150.50").
[[nodiscard]] std::string format_fiat_amount(std::int64_t minor_units, Currency currency);

} // namespace paylinks::money
