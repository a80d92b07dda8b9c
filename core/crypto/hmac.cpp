#include "core/crypto/hmac.hpp"

#include "core/crypto/sha256.hpp"

#include <array>
#include <cstddef>

namespace paylinks::crypto {

namespace {
constexpr std::uint8_t kInnerPad = 0x36; // ipad, RFC 2104 §2
constexpr std::uint8_t kOuterPad = 0x5c; // opad

std::span<const std::uint8_t> bytes_of(std::string_view text) noexcept {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}
} // namespace

Hash256 hmac_sha256(std::span<const std::uint8_t> key,
                    std::span<const std::uint8_t> message) noexcept {
    // K0 (FIPS 198-1 §4): the key, or its hash if longer than a block, zero-padded to a block.
    std::array<std::uint8_t, Sha256::kBlockSize> block{};
    if (key.size() > block.size()) {
        const Hash256 hashed = sha256(key);
        for (std::size_t i = 0; i < hashed.size(); ++i)
            block[i] = hashed[i];
    } else {
        for (std::size_t i = 0; i < key.size(); ++i)
            block[i] = key[i];
    }

    for (auto& b : block)
        b ^= kInnerPad;
    Sha256 inner;
    inner.update(block);
    inner.update(message);
    const Hash256 inner_hash = inner.finish();

    for (auto& b : block)
        b ^= kInnerPad ^ kOuterPad;
    Sha256 outer;
    outer.update(block);
    outer.update(inner_hash);
    return outer.finish();
}

Hash256 hmac_sha256(std::string_view key, std::string_view message) noexcept {
    return hmac_sha256(bytes_of(key), bytes_of(message));
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
    const std::size_t n = a.size() > b.size() ? a.size() : b.size();
    // Any length difference makes the result unequal; the loop still walks every position,
    // reading 0 past the end of the shorter string (a branch on the public lengths only).
    unsigned diff = a.size() == b.size() ? 0u : 1u;
    for (std::size_t i = 0; i < n; ++i) {
        const unsigned x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0u;
        const unsigned y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0u;
        diff |= x ^ y;
    }
    return diff == 0;
}

} // namespace paylinks::crypto
