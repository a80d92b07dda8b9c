#pragma once
// Base16 ("hex") as Ethereum's JSON-RPC uses it: RFC 4648 §8 digits, with the "0x" prefix of
// the JSON-RPC DATA encoding where asked for.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace paylinks::crypto {

/// Lower-case hex of `bytes`, two digits per byte, no prefix.
[[nodiscard]] std::string hex_encode(std::span<const std::uint8_t> bytes);

/// The value 0–15 of one hex digit (either case), or -1 for any other character.
[[nodiscard]] constexpr int hex_digit_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// Decodes exactly `out.size()` bytes from `hex` (no prefix, 2 × out.size() digits of either
/// case). On failure returns false and leaves `out` unspecified.
[[nodiscard]] bool hex_decode_into(std::string_view hex, std::span<std::uint8_t> out) noexcept;

/// Strict un-prefixed hex: an even number of hex digits (either case), nothing else.
[[nodiscard]] std::optional<std::vector<std::uint8_t>> hex_decode(std::string_view hex);

/// Ethereum JSON-RPC DATA: "0x" then an even number of hex digits ("0x" alone is empty data).
[[nodiscard]] std::optional<std::vector<std::uint8_t>> hex_decode_prefixed(std::string_view hex);

/// Ethereum JSON-RPC DATA of exactly N bytes: "0x" then 2N hex digits.
template<std::size_t N>
[[nodiscard]] std::optional<std::array<std::uint8_t, N>> hex_decode_fixed(std::string_view hex) {
    if (hex.size() != 2 + 2 * N || hex[0] != '0' || hex[1] != 'x') return std::nullopt;
    std::array<std::uint8_t, N> out{};
    if (!hex_decode_into(hex.substr(2), out)) return std::nullopt;
    return out;
}

} // namespace paylinks::crypto
