#pragma once
// Base64 with the standard alphabet and padding (RFC 4648 §4).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace paylinks::crypto {

/// Base64 of `bytes`, standard alphabet, '=' padded to a multiple of 4 characters.
[[nodiscard]] std::string base64_encode(std::span<const std::uint8_t> bytes);

/// Strict decoding (RFC 4648 §3.3, §3.5): length a multiple of 4, only alphabet characters,
/// '=' only as the last one or two, and the unused bits before padding must be zero, so that
/// each byte string has exactly one accepted encoding. No line breaks or whitespace.
[[nodiscard]] std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);

} // namespace paylinks::crypto
