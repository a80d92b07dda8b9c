#include "core/num/uint256.hpp"

#include "core/crypto/hex.hpp"

#include <limits>

namespace paylinks::num {

namespace {

/// A uint256 as eight 32-bit limbs, least significant first: the working form for the text
/// conversions, using only 64-bit arithmetic (no 128-bit division on wasm32).
struct Limbs {
    std::array<std::uint32_t, 8> limb{};

    [[nodiscard]] bool is_zero() const noexcept {
        for (const std::uint32_t l : limb)
            if (l != 0) return false;
        return true;
    }

    /// *this = *this · mul + add; false if the result does not fit in 256 bits.
    [[nodiscard]] bool mul_add(std::uint32_t mul, std::uint32_t add) noexcept {
        std::uint64_t carry = add;
        for (std::uint32_t& l : limb) {
            const std::uint64_t cur = std::uint64_t{l} * mul + carry;
            l = static_cast<std::uint32_t>(cur);
            carry = cur >> 32;
        }
        return carry == 0;
    }

    /// *this /= divisor; returns the remainder.
    std::uint32_t div_rem(std::uint32_t divisor) noexcept {
        std::uint64_t rem = 0;
        for (std::size_t i = limb.size(); i-- > 0;) {
            const std::uint64_t cur = (rem << 32) | limb[i];
            limb[i] = static_cast<std::uint32_t>(cur / divisor);
            rem = cur % divisor;
        }
        return static_cast<std::uint32_t>(rem);
    }

    static Limbs from(const uint256& value) noexcept {
        const auto bytes = to_be_bytes(value);
        Limbs out;
        for (std::size_t i = 0; i < 8; ++i) {
            const std::uint8_t* p = bytes.data() + 28 - 4 * i;
            out.limb[i] = (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
                          (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
        }
        return out;
    }

    [[nodiscard]] uint256 value() const noexcept {
        uint256 v = 0;
        for (std::size_t i = limb.size(); i-- > 0;) {
            v <<= 32;
            v |= limb[i];
        }
        return v;
    }
};

constexpr std::uint32_t kPow10[10] = {1,      10,      100,      1000,      10000,
                                      100000, 1000000, 10000000, 100000000, 1000000000};
constexpr std::size_t kChunkDigits = 9; // 10^9 < 2^32

constexpr bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

constexpr bool all_digits(std::string_view s) noexcept {
    for (const char c : s)
        if (!is_digit(c)) return false;
    return true;
}

/// Appends already-validated decimal digits; false on overflow.
[[nodiscard]] bool append_digits(Limbs& acc, std::string_view digits) noexcept {
    while (!digits.empty()) {
        const std::size_t n = digits.size() < kChunkDigits ? digits.size() : kChunkDigits;
        std::uint32_t chunk = 0;
        for (std::size_t i = 0; i < n; ++i)
            chunk = chunk * 10 + static_cast<std::uint32_t>(digits[i] - '0');
        if (!acc.mul_add(kPow10[n], chunk)) return false;
        digits.remove_prefix(n);
    }
    return true;
}

/// acc · 10^count; false on overflow. Ends quickly for any count: a non-zero value overflows
/// after at most 78 decimal places, and zero stays zero.
[[nodiscard]] bool append_zeros(Limbs& acc, std::size_t count) noexcept {
    if (acc.is_zero()) return true;
    while (count > 0) {
        const std::size_t n = count < kChunkDigits ? count : kChunkDigits;
        if (!acc.mul_add(kPow10[n], 0)) return false;
        count -= n;
    }
    return true;
}

/// Validates a QUANTITY and returns its digits (without "0x"), or an empty view.
constexpr std::string_view quantity_digits(std::string_view text, std::size_t max_digits) noexcept {
    if (text.size() < 3 || text[0] != '0' || text[1] != 'x') return {};
    const std::string_view digits = text.substr(2);
    if (digits.size() > max_digits) return {};
    if (digits.size() > 1 && digits[0] == '0') return {};
    for (const char c : digits)
        if (crypto::hex_digit_value(c) < 0) return {};
    return digits;
}

} // namespace

std::optional<uint256> parse_decimal_u256(std::string_view text) noexcept {
    if (text.empty() || !all_digits(text)) return std::nullopt;
    Limbs acc;
    if (!append_digits(acc, text)) return std::nullopt;
    return acc.value();
}

std::string to_decimal(const uint256& value) {
    Limbs rest = Limbs::from(value);
    // At most 78 digits: nine 9-digit chunks, filled from the right.
    char buffer[81];
    std::size_t pos = sizeof buffer;
    do {
        std::uint32_t chunk = rest.div_rem(kPow10[kChunkDigits]);
        const bool more = !rest.is_zero();
        for (std::size_t i = 0; i < kChunkDigits && (more || chunk != 0 || i == 0); ++i) {
            buffer[--pos] = static_cast<char>('0' + chunk % 10);
            chunk /= 10;
        }
    } while (!rest.is_zero());
    return std::string(buffer + pos, sizeof buffer - pos);
}

std::optional<uint256> parse_hex_quantity(std::string_view text) noexcept {
    const std::string_view digits = quantity_digits(text, 64);
    if (digits.empty()) return std::nullopt;
    Limbs acc;
    for (std::size_t k = 0; k < digits.size(); ++k) {
        const auto nibble =
            static_cast<std::uint32_t>(crypto::hex_digit_value(digits[digits.size() - 1 - k]));
        acc.limb[k / 8] |= nibble << (4 * (k % 8));
    }
    return acc.value();
}

std::optional<std::uint64_t> parse_hex_u64(std::string_view text) noexcept {
    const std::string_view digits = quantity_digits(text, 16);
    if (digits.empty()) return std::nullopt;
    std::uint64_t v = 0;
    for (const char c : digits)
        v = (v << 4) | static_cast<std::uint64_t>(crypto::hex_digit_value(c));
    return v;
}

std::string to_hex_quantity(const uint256& value) {
    const std::string hex = crypto::hex_encode(to_be_bytes(value));
    const std::size_t first = hex.find_first_not_of('0');
    return first == std::string::npos ? std::string("0x0") : "0x" + hex.substr(first);
}

std::string to_hex_quantity(std::uint64_t value) {
    constexpr std::string_view kDigits = "0123456789abcdef";
    char buffer[18];
    std::size_t pos = sizeof buffer;
    do {
        buffer[--pos] = kDigits[value & 0xf];
        value >>= 4;
    } while (value != 0);
    buffer[--pos] = 'x';
    buffer[--pos] = '0';
    return std::string(buffer + pos, sizeof buffer - pos);
}

std::string format_units(const uint256& base_units, unsigned decimals) {
    std::string digits = to_decimal(base_units);
    if (decimals == 0) return digits;
    if (digits.size() <= decimals) digits.insert(0, decimals + 1 - digits.size(), '0');
    digits.insert(digits.size() - decimals, 1, '.');
    return digits;
}

std::optional<uint256> parse_units(std::string_view text, unsigned decimals) noexcept {
    const std::size_t point = text.find('.');
    const std::string_view whole = text.substr(0, point);
    const std::string_view fraction =
        point == std::string_view::npos ? std::string_view{} : text.substr(point + 1);
    if (whole.empty() || !all_digits(whole)) return std::nullopt;
    if (point != std::string_view::npos &&
        (fraction.empty() || fraction.size() > decimals || !all_digits(fraction)))
        return std::nullopt;

    Limbs acc;
    if (!append_digits(acc, whole) || !append_digits(acc, fraction) ||
        !append_zeros(acc, decimals - fraction.size()))
        return std::nullopt;
    return acc.value();
}

std::array<std::uint8_t, 32> to_be_bytes(const uint256& value) noexcept {
    constexpr uint256 kWordMask = std::numeric_limits<std::uint64_t>::max();
    std::array<std::uint8_t, 32> out{};
    for (std::size_t w = 0; w < 4; ++w) {
        const auto word = static_cast<std::uint64_t>((value >> (64 * w)) & kWordMask);
        for (std::size_t i = 0; i < 8; ++i)
            out[31 - 8 * w - i] = static_cast<std::uint8_t>(word >> (8 * i));
    }
    return out;
}

uint256 from_be_bytes(std::span<const std::uint8_t, 32> bytes) noexcept {
    uint256 v = 0;
    for (std::size_t w = 0; w < 4; ++w) {
        std::uint64_t word = 0;
        for (std::size_t i = 0; i < 8; ++i)
            word = (word << 8) | bytes[8 * w + i];
        v <<= 64;
        v |= word;
    }
    return v;
}

} // namespace paylinks::num
