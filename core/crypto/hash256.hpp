#pragma once
// The 32-byte digest type shared by Keccak-256, SHA-256 and HMAC-SHA-256.
#include <array>
#include <cstdint>

namespace paylinks::crypto {

/// A 256-bit digest, in the byte order the hash function outputs it.
using Hash256 = std::array<std::uint8_t, 32>;

} // namespace paylinks::crypto
