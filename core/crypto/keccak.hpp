#pragma once
// Keccak-256 as Ethereum uses it: the Keccak[c=512] sponge of "The Keccak reference" (3.0)
// over Keccak-f[1600] (FIPS 202 §3), with the original multi-rate padding pad10*1 whose
// first byte is 0x01 — *not* FIPS 202 SHA3-256, which appends the domain bits 01 (0x06).
#include "core/crypto/hash256.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace paylinks::crypto {

/// Bytes absorbed per permutation: (1600 − 2·256) / 8.
inline constexpr std::size_t kKeccak256Rate = 136;

/// Keccak-f[1600] (FIPS 202 Algorithm 7, 24 rounds) on a state of 25 lanes, lane (x, y) at
/// index x + 5y, each lane little-endian as in FIPS 202 §3.1.2.
void keccak_f1600(std::uint64_t (&state)[25]) noexcept;

/// Keccak-256 of `data`. Allocation-free; one permutation per started 136-byte block.
[[nodiscard]] Hash256 keccak256(std::span<const std::uint8_t> data) noexcept;

/// Keccak-256 of the bytes of `text` (no terminator, no encoding change).
[[nodiscard]] Hash256 keccak256(std::string_view text) noexcept;

} // namespace paylinks::crypto
