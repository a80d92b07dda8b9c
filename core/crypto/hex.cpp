#include "core/crypto/hex.hpp"

namespace paylinks::crypto {

namespace {
constexpr std::string_view kDigits = "0123456789abcdef";
} // namespace

std::string hex_encode(std::span<const std::uint8_t> bytes) {
    std::string out(bytes.size() * 2, '\0');
    char* p = out.data();
    for (const std::uint8_t b : bytes) {
        *p++ = kDigits[b >> 4];
        *p++ = kDigits[b & 0x0f];
    }
    return out;
}

bool hex_decode_into(std::string_view hex, std::span<std::uint8_t> out) noexcept {
    if (hex.size() != out.size() * 2) return false;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int hi = hex_digit_value(hex[2 * i]);
        const int lo = hex_digit_value(hex[2 * i + 1]);
        if ((hi | lo) < 0) return false;
        out[i] = static_cast<std::uint8_t>((hi << 4) | lo);
    }
    return true;
}

std::optional<std::vector<std::uint8_t>> hex_decode(std::string_view hex) {
    if (hex.size() % 2 != 0) return std::nullopt;
    std::vector<std::uint8_t> out(hex.size() / 2);
    if (!hex_decode_into(hex, out)) return std::nullopt;
    return out;
}

std::optional<std::vector<std::uint8_t>> hex_decode_prefixed(std::string_view hex) {
    if (hex.size() < 2 || hex[0] != '0' || hex[1] != 'x') return std::nullopt;
    return hex_decode(hex.substr(2));
}

} // namespace paylinks::crypto
