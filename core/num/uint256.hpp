#pragma once
// 256-bit unsigned integers for token amounts (EVM uint256), with the exact text forms the
// service reads and writes: plain decimal, Ethereum JSON-RPC QUANTITY hex, fixed-point
// decimal "units", and the 32-byte big-endian ABI word. No floating point anywhere.
#include <array>
#include <boost/multiprecision/cpp_int.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace paylinks::num {

/// Fixed-width 256-bit unsigned integer (wraps modulo 2^256 like the EVM; parse functions
/// below reject anything that would not fit).
using uint256 = boost::multiprecision::uint256_t;

/// Plain ASCII decimal digits, at least one; leading zeros allowed; no sign, space, '+' or
/// separators. Values ≥ 2^256 → nullopt.
[[nodiscard]] std::optional<uint256> parse_decimal_u256(std::string_view text) noexcept;

/// Shortest decimal form ("0", "150000000").
[[nodiscard]] std::string to_decimal(const uint256& value);

/// Ethereum JSON-RPC QUANTITY (execution-apis "hex value encoding"): "0x", then 1–64 hex
/// digits of either case, no leading zero unless the value is zero ("0x0"). Anything else,
/// including "0x", "0x00", "0X1" and spaces → nullopt.
[[nodiscard]] std::optional<uint256> parse_hex_quantity(std::string_view text) noexcept;

/// As parse_hex_quantity, for values up to 2^64 − 1 (at most 16 digits).
[[nodiscard]] std::optional<std::uint64_t> parse_hex_u64(std::string_view text) noexcept;

/// QUANTITY encoding: "0x" + lower-case hex without leading zeros ("0x0", "0x1a").
[[nodiscard]] std::string to_hex_quantity(const uint256& value);
[[nodiscard]] std::string to_hex_quantity(std::uint64_t value);

/// Fixed-point decimal with exactly `decimals` fractional digits: (150000000, 6) →
/// "150.000000"; with 0 decimals no point is written: (150, 0) → "150".
[[nodiscard]] std::string format_units(const uint256& base_units, unsigned decimals);

/// Inverse of format_units for `^\d+(\.\d{1,decimals})?$` (ASCII digits only; with 0 decimals
/// no point at all): "150.5", 6 → 150500000. No sign, exponent, space or empty part ("1.",
/// ".5"); more fractional digits than `decimals`, or a result ≥ 2^256 → nullopt.
[[nodiscard]] std::optional<uint256> parse_units(std::string_view text, unsigned decimals) noexcept;

/// The 32-byte big-endian form (an ABI-encoded uint256 word, EVM storage/log data).
[[nodiscard]] std::array<std::uint8_t, 32> to_be_bytes(const uint256& value) noexcept;

/// Reads a 32-byte big-endian word.
[[nodiscard]] uint256 from_be_bytes(std::span<const std::uint8_t, 32> bytes) noexcept;

} // namespace paylinks::num
