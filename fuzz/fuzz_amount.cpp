// Amount parsing: fiat prices in every currency, 256-bit decimal, QUANTITY hex and fixed-point
// token units, and exchange rates. Each accepted value must survive format → parse unchanged,
// each answer is compared with a small independent reading of the same grammar, and nothing
// may overflow, read out of bounds or abort.
#include "core/config/config.hpp"
#include "core/money/fiat.hpp"
#include "core/num/uint256.hpp"
#include "fuzz/fuzz_support.hpp"

#include <string>
#include <string_view>

using namespace paylinks;

namespace {

// 2^256 in decimal: the first value that does not fit.
constexpr std::string_view kTwoTo256 =
    "115792089237316195423570985008687907853269984665640564039457584007913129639936";

bool all_digits(std::string_view text) {
    for (char c : text)
        if (c < '0' || c > '9') return false;
    return true;
}

std::string_view strip_leading_zeros(std::string_view digits) {
    while (digits.size() > 1 && digits.front() == '0')
        digits.remove_prefix(1);
    return digits;
}

/// Whether the decimal digits `digits` denote a value of at least 2^256.
bool at_least_2_256(std::string_view digits) {
    digits = strip_leading_zeros(digits);
    return digits.size() > kTwoTo256.size() ||
           (digits.size() == kTwoTo256.size() && digits >= kTwoTo256);
}

/// ^\d+(\.\d{1,max_fraction})?$ split into its parts.
struct Decimal {
    std::string_view whole, fraction;
    bool has_point = false;
};
std::optional<Decimal> read_decimal(std::string_view text, std::size_t max_fraction) {
    Decimal out;
    const auto point = text.find('.');
    out.whole = text.substr(0, point);
    out.has_point = point != std::string_view::npos;
    if (out.has_point) out.fraction = text.substr(point + 1);
    if (out.whole.empty() || !all_digits(out.whole) || !all_digits(out.fraction))
        return std::nullopt;
    if (out.has_point && (out.fraction.empty() || out.fraction.size() > max_fraction))
        return std::nullopt;
    return out;
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

void check_fiat(std::string_view text) {
    for (const auto& currency : money::kCurrencies) {
        const auto parsed = money::parse_fiat_amount(text, currency);
        const auto decimal = read_decimal(text, 2);
        if (const auto* error = std::get_if<money::AmountError>(&parsed)) {
            // A well-formed amount is refused only for its precision or its size.
            if (decimal) {
                FUZZ_CHECK(*error != money::AmountError::format, std::string(text));
                // The same value, read independently: trailing zeros past the exponent do not
                // count as precision.
                auto fraction = decimal->fraction;
                while (fraction.size() > currency.exponent && fraction.back() == '0')
                    fraction.remove_suffix(1);
                if (fraction.size() <= currency.exponent) {
                    std::string canonical(decimal->whole);
                    if (!fraction.empty()) canonical += "." + std::string(fraction);
                    const auto units = num::parse_units(canonical, currency.exponent);
                    num::uint256 scale = 1;
                    for (unsigned i = 0; i < currency.exponent; ++i)
                        scale *= 10;
                    const num::uint256 minimum = currency.exponent >= 2 ? scale / 100 : 1;
                    FUZZ_CHECK(!units || *units < minimum || *units > money::kMaxWholeUnits * scale,
                               std::string(text) + " refused in " + std::string(currency.code));
                } else {
                    FUZZ_CHECK(*error == money::AmountError::too_precise ||
                                   *error == money::AmountError::too_large,
                               std::string(text));
                }
            }
            continue;
        }
        const auto minor = std::get<std::int64_t>(parsed);
        FUZZ_CHECK(decimal.has_value(), std::string(text) + " accepted");
        std::int64_t scale = 1;
        for (unsigned i = 0; i < currency.exponent; ++i)
            scale *= 10;
        FUZZ_CHECK(minor >= (currency.exponent >= 2 ? scale / 100 : 1), std::string(text));
        FUZZ_CHECK(minor <= money::kMaxWholeUnits * scale, std::string(text));
        const auto formatted = money::format_fiat_amount(minor, currency);
        const auto again = money::parse_fiat_amount(formatted, currency);
        FUZZ_CHECK(std::holds_alternative<std::int64_t>(again) &&
                       std::get<std::int64_t>(again) == minor,
                   std::string(text) + " → " + formatted);
        FUZZ_CHECK(money::format_fiat_amount(std::get<std::int64_t>(again), currency) == formatted,
                   formatted);
        // The value is the text's value: compare with the fixed-point reader.
        const auto units = num::parse_units(formatted, currency.exponent);
        FUZZ_CHECK(units && *units == num::uint256(minor), formatted);
    }
    if (const auto currency = money::find_currency(text)) {
        std::string upper(text);
        for (char& c : upper)
            if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        FUZZ_CHECK(currency->code == upper, std::string(text));
    }
}

void check_decimal(std::string_view text) {
    const auto parsed = num::parse_decimal_u256(text);
    const bool grammar = !text.empty() && all_digits(text);
    if (!parsed) {
        FUZZ_CHECK(!grammar || at_least_2_256(text), std::string(text));
        return;
    }
    FUZZ_CHECK(grammar && !at_least_2_256(text), std::string(text));
    const auto formatted = num::to_decimal(*parsed);
    FUZZ_CHECK(formatted == strip_leading_zeros(text), std::string(text) + " → " + formatted);
    const auto again = num::parse_decimal_u256(formatted);
    FUZZ_CHECK(again && *again == *parsed, formatted);
    const auto bytes = num::to_be_bytes(*parsed);
    FUZZ_CHECK(num::from_be_bytes(bytes) == *parsed, formatted);
}

void check_hex(std::string_view text) {
    // "0x", 1–64 hex digits, no leading zero unless the value is zero.
    bool grammar = text.size() >= 3 && text.size() <= 66 && text[0] == '0' && text[1] == 'x' &&
                   !(text.size() > 3 && text[2] == '0');
    for (std::size_t i = 2; grammar && i < text.size(); ++i) {
        const char c = text[i];
        grammar = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
    const auto parsed = num::parse_hex_quantity(text);
    FUZZ_CHECK(parsed.has_value() == grammar, std::string(text));
    const auto small = num::parse_hex_u64(text);
    if (!parsed) {
        FUZZ_CHECK(!small, std::string(text));
        return;
    }
    FUZZ_CHECK(num::to_hex_quantity(*parsed) == lower(text), std::string(text));
    const bool fits = *parsed <= num::uint256(std::numeric_limits<std::uint64_t>::max());
    FUZZ_CHECK(small.has_value() == fits, std::string(text));
    if (small) {
        FUZZ_CHECK(num::uint256(*small) == *parsed, std::string(text));
        FUZZ_CHECK(num::to_hex_quantity(*small) == lower(text), std::string(text));
    }
}

void check_units(std::string_view text, unsigned decimals) {
    const auto parsed = num::parse_units(text, decimals);
    const auto decimal = read_decimal(text, decimals);
    const bool grammar = decimal && !(decimals == 0 && decimal->has_point);
    if (!parsed) {
        if (grammar) {
            // Only a value of 2^256 or more may be refused.
            std::string digits(decimal->whole);
            digits += decimal->fraction;
            digits.append(decimals - decimal->fraction.size(), '0');
            FUZZ_CHECK(at_least_2_256(digits),
                       std::string(text) + " with " + std::to_string(decimals));
        }
        return;
    }
    FUZZ_CHECK(grammar, std::string(text) + " with " + std::to_string(decimals));
    const auto formatted = num::format_units(*parsed, decimals);
    const auto again = num::parse_units(formatted, decimals);
    FUZZ_CHECK(again && *again == *parsed, formatted);
    // Canonical form: no leading zeros, exactly `decimals` fraction digits.
    std::string expected(strip_leading_zeros(decimal->whole));
    if (decimals > 0) {
        expected += ".";
        expected += decimal->fraction;
        expected.append(decimals - decimal->fraction.size(), '0');
    }
    FUZZ_CHECK(formatted == expected, std::string(text) + " → " + formatted);
}

void check_rate(std::string_view text) {
    const auto rate = config::parse_rate(text);
    const auto decimal = read_decimal(text, 12);
    const bool grammar = decimal && decimal->whole.size() <= 12;
    if (!rate) return; // refusing is always safe for a configuration value
    FUZZ_CHECK(grammar, std::string(text));
    FUZZ_CHECK(rate->numerator > 0 && rate->denominator > 0, std::string(text));
    // numerator / denominator is exactly the text's value.
    const auto exact = num::parse_units(text, 12);
    FUZZ_CHECK(exact.has_value(), std::string(text));
    num::uint256 scaled = num::uint256(rate->numerator);
    for (int i = 0; i < 12; ++i)
        scaled *= 10;
    FUZZ_CHECK(scaled % rate->denominator == 0 && scaled / rate->denominator == *exact,
               std::string(text) + " read as " + std::to_string(rate->numerator) + "/" +
                   std::to_string(rate->denominator));
    const auto again = config::parse_rate(rate->text);
    FUZZ_CHECK(again && again->text == rate->text && again->numerator == rate->numerator &&
                   again->denominator == rate->denominator,
               std::string(text) + " → " + rate->text);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 4096) return 0;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    check_fiat(text);
    check_decimal(text);
    check_hex(text);
    check_rate(text);
    for (unsigned decimals : {0u, 2u, 6u, 18u})
        check_units(text, decimals);
    // The last byte picks a precision as well, up to and past what 256 bits can hold.
    if (size > 0) check_units(text.substr(0, size - 1), data[size - 1] % 100);
    return 0;
}
