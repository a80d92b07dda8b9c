#pragma once
// SHA-256 (FIPS 180-4 §6.2), one-shot and incremental.
#include "core/crypto/hash256.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace paylinks::crypto {

/// Incremental SHA-256: update() any number of times, then finish() once.
class Sha256 {
public:
    /// Bytes per message block (FIPS 180-4 §5.2.1: 512 bits).
    static constexpr std::size_t kBlockSize = 64;

    Sha256() noexcept;
    void update(std::span<const std::uint8_t> data) noexcept;
    void update(std::string_view text) noexcept;
    /// Pads (FIPS 180-4 §5.1.1) and returns the digest. The object must not be reused.
    [[nodiscard]] Hash256 finish() noexcept;

private:
    std::array<std::uint32_t, 8> state_;
    std::array<std::uint8_t, kBlockSize> buffer_{};
    std::size_t buffered_ = 0;
    std::uint64_t total_bytes_ = 0;
};

/// SHA-256 of `data`.
[[nodiscard]] Hash256 sha256(std::span<const std::uint8_t> data) noexcept;

/// SHA-256 of the bytes of `text`.
[[nodiscard]] Hash256 sha256(std::string_view text) noexcept;

} // namespace paylinks::crypto
