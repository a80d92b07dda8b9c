#include "core/money/fiat.hpp"

namespace paylinks::money {

std::optional<Currency> find_currency(std::string_view code) noexcept {
    if (code.size() < 3 || code.size() > 4) return std::nullopt;
    for (const auto& currency : kCurrencies) {
        if (currency.code.size() != code.size()) continue;
        bool same = true;
        for (std::size_t i = 0; i < code.size() && same; ++i) {
            char c = code[i];
            if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
            same = c == currency.code[i];
        }
        if (same) return currency;
    }
    return std::nullopt;
}

std::string_view to_string(AmountError error) noexcept {
    switch (error) {
    case AmountError::format:
        return "must be a string of digits with at most 2 decimals";
    case AmountError::too_precise:
        return "has more decimals than the currency allows";
    case AmountError::too_small:
        return "must be at least 0.01";
    case AmountError::too_large:
        return "must be at most 100000000";
    }
    return "is invalid";
}

std::variant<std::int64_t, AmountError> parse_fiat_amount(std::string_view text,
                                                          Currency currency) noexcept {
    // ^\d+(\.\d{1,2})?$ with ASCII digits only, and no more than 12 integer digits so the
    // arithmetic below cannot overflow before the range check.
    auto dot = text.find('.');
    auto whole = text.substr(0, dot);
    auto fraction = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
    auto all_digits = [](std::string_view digits) {
        for (char c : digits)
            if (c < '0' || c > '9') return false;
        return true;
    };
    if (whole.empty() || !all_digits(whole) || !all_digits(fraction)) return AmountError::format;
    if (dot != std::string_view::npos && (fraction.empty() || fraction.size() > 2))
        return AmountError::format;
    // Leading zeros are harmless ("007.50"), but bound the digits we multiply.
    while (whole.size() > 1 && whole.front() == '0')
        whole.remove_prefix(1);
    if (whole.size() > 12) return AmountError::too_large;

    // Trailing zeros beyond the currency's exponent are not precision ("150.00" JPY is ¥150).
    while (fraction.size() > currency.exponent && fraction.back() == '0')
        fraction.remove_suffix(1);
    if (fraction.size() > currency.exponent) return AmountError::too_precise;

    std::int64_t minor = 0;
    for (char c : whole)
        minor = minor * 10 + (c - '0');
    for (unsigned i = 0; i < currency.exponent; ++i) {
        minor *= 10;
        if (i < fraction.size()) minor += fraction[i] - '0';
    }
    std::int64_t scale = 1;
    for (unsigned i = 0; i < currency.exponent; ++i)
        scale *= 10;
    // 0.01 is the floor; a currency without cents starts at one unit.
    std::int64_t minimum = currency.exponent >= 2 ? scale / 100 : 1;
    if (minor < minimum) return AmountError::too_small;
    if (minor > kMaxWholeUnits * scale) return AmountError::too_large;
    return minor;
}

std::string format_fiat_amount(std::int64_t minor_units, Currency currency) {
    std::string digits = std::to_string(minor_units < 0 ? 0 : minor_units);
    if (currency.exponent == 0) return digits;
    if (digits.size() <= currency.exponent)
        digits.insert(0, currency.exponent + 1 - digits.size(), '0');
    digits.insert(digits.size() - currency.exponent, 1, '.');
    return digits;
}

} // namespace paylinks::money
