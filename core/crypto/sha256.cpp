#include "core/crypto/sha256.hpp"

#include <cstring>

namespace paylinks::crypto {

namespace {

// FIPS 180-4 §4.2.2 and §5.3.3 define the constants as the first 32 bits of the fractional
// parts of the cube roots (K) and square roots (H(0)) of the first primes. They are computed
// here from that definition, exactly, in integers: floor(frac(p^(1/k)) · 2^32) is the low
// 32 bits of the integer k-th root of p · 2^(32k).

using u128 = unsigned __int128;

constexpr std::uint64_t integer_root(u128 n, unsigned k) noexcept {
    std::uint64_t lo = 0, hi = std::uint64_t{1} << 40; // every root needed is below 2^36
    while (lo < hi) {
        const std::uint64_t mid = lo + (hi - lo + 1) / 2;
        u128 power = 1;
        for (unsigned i = 0; i < k; ++i)
            power *= mid;
        if (power <= n)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

template<std::size_t N>
constexpr std::array<std::uint32_t, N> fractional_root_bits(unsigned k) noexcept {
    std::array<std::uint32_t, N> out{};
    std::size_t found = 0;
    for (std::uint64_t p = 2; found < N; ++p) {
        bool prime = true;
        for (std::uint64_t q = 2; q * q <= p; ++q)
            if (p % q == 0) prime = false;
        if (!prime) continue;
        out[found++] = static_cast<std::uint32_t>(integer_root(u128{p} << (32 * k), k));
    }
    return out;
}

constexpr auto kK = fractional_root_bits<64>(3);
constexpr auto kInitialState = fractional_root_bits<8>(2);
static_assert(kK[0] == 0x428a2f98 && kK[1] == 0x71374491 && kK[63] == 0xc67178f2);
static_assert(kInitialState[0] == 0x6a09e667 && kInitialState[7] == 0x5be0cd19);

constexpr std::uint32_t rotr(std::uint32_t x, unsigned n) noexcept {
    return (x >> n) | (x << (32 - n));
}

inline std::uint32_t load_be32(const std::uint8_t* p) noexcept {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           std::uint32_t{p[3]};
}

/// FIPS 180-4 §6.2.2: the hash computation for one 512-bit block.
void compress(std::array<std::uint32_t, 8>& h, const std::uint8_t* block) noexcept {
    std::uint32_t w[64];
    for (std::size_t t = 0; t < 16; ++t)
        w[t] = load_be32(block + 4 * t);
    for (std::size_t t = 16; t < 64; ++t) {
        const std::uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
        const std::uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    std::uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (std::size_t t = 0; t < 64; ++t) {
        const std::uint32_t sigma1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        const std::uint32_t ch = (e & f) ^ (~e & g);
        const std::uint32_t t1 = hh + sigma1 + ch + kK[t] + w[t];
        const std::uint32_t sigma0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        const std::uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        const std::uint32_t t2 = sigma0 + maj;
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
}

} // namespace

Sha256::Sha256() noexcept
    : state_(kInitialState) {}

void Sha256::update(std::span<const std::uint8_t> data) noexcept {
    if (data.empty()) return;
    const std::uint8_t* p = data.data();
    std::size_t left = data.size();
    total_bytes_ += left;
    if (buffered_ > 0) {
        const std::size_t take = left < kBlockSize - buffered_ ? left : kBlockSize - buffered_;
        std::memcpy(buffer_.data() + buffered_, p, take);
        buffered_ += take;
        p += take;
        left -= take;
        if (buffered_ < kBlockSize) return;
        compress(state_, buffer_.data());
        buffered_ = 0;
    }
    for (; left >= kBlockSize; left -= kBlockSize, p += kBlockSize)
        compress(state_, p);
    if (left > 0) std::memcpy(buffer_.data(), p, left);
    buffered_ = left;
}

void Sha256::update(std::string_view text) noexcept {
    update(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()),
                                         text.size()));
}

Hash256 Sha256::finish() noexcept {
    // FIPS 180-4 §5.1.1: a 1 bit, zeros to 448 mod 512, then the 64-bit message length.
    const std::uint64_t bit_length = total_bytes_ * 8;
    buffer_[buffered_++] = 0x80;
    if (buffered_ > kBlockSize - 8) {
        std::memset(buffer_.data() + buffered_, 0, kBlockSize - buffered_);
        compress(state_, buffer_.data());
        buffered_ = 0;
    }
    std::memset(buffer_.data() + buffered_, 0, kBlockSize - 8 - buffered_);
    for (std::size_t i = 0; i < 8; ++i)
        buffer_[kBlockSize - 1 - i] = static_cast<std::uint8_t>(bit_length >> (8 * i));
    compress(state_, buffer_.data());

    Hash256 out;
    for (std::size_t i = 0; i < 8; ++i)
        for (std::size_t j = 0; j < 4; ++j)
            out[4 * i + j] = static_cast<std::uint8_t>(state_[i] >> (24 - 8 * j));
    return out;
}

Hash256 sha256(std::span<const std::uint8_t> data) noexcept {
    Sha256 hasher;
    hasher.update(data);
    return hasher.finish();
}

Hash256 sha256(std::string_view text) noexcept {
    Sha256 hasher;
    hasher.update(text);
    return hasher.finish();
}

} // namespace paylinks::crypto
