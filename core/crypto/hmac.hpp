#pragma once
// HMAC-SHA-256 (RFC 2104 with the SHA-256 of FIPS 180-4; test vectors from RFC 4231) and a
// constant-time comparison for secrets and MACs.
#include "core/crypto/hash256.hpp"

#include <cstdint>
#include <span>
#include <string_view>

namespace paylinks::crypto {

/// HMAC-SHA-256 of `message` under `key` (any length; keys longer than the 64-byte block are
/// hashed first, RFC 2104 §2).
[[nodiscard]] Hash256 hmac_sha256(std::span<const std::uint8_t> key,
                                  std::span<const std::uint8_t> message) noexcept;

/// HMAC-SHA-256 over the bytes of two strings.
[[nodiscard]] Hash256 hmac_sha256(std::string_view key, std::string_view message) noexcept;

/// True iff `a` and `b` hold the same bytes. The running time depends only on the two lengths,
/// never on the contents or on where they differ; strings of different lengths compare
/// unequal, still after a full pass over the longer one.
[[nodiscard]] bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

} // namespace paylinks::crypto
