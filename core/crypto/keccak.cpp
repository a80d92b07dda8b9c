#include "core/crypto/keccak.hpp"

#include <array>
#include <utility>

namespace paylinks::crypto {

namespace {

constexpr std::size_t kRounds = 24;
constexpr std::size_t kRateLanes = kKeccak256Rate / 8;
static_assert(kKeccak256Rate == (1600 - 2 * 256) / 8 && kKeccak256Rate % 8 == 0);

/// rc(t) of FIPS 202 Algorithm 5: the output bit of the LFSR x^8 + x^6 + x^5 + x^4 + 1.
/// Bit i of `r` holds R[i] of the specification.
constexpr bool rc_bit(std::size_t t) noexcept {
    unsigned r = 1;
    for (std::size_t i = 0; i < t % 255; ++i) {
        r <<= 1;
        if (r & 0x100) r ^= 0x171; // R[0,4,5,6] ^= R[8], then truncate to 8 bits
    }
    return (r & 1) != 0;
}

/// The iota round constants (FIPS 202 Algorithm 6): RC[2^j − 1] = rc(j + 7·ir).
constexpr std::array<std::uint64_t, kRounds> make_round_constants() noexcept {
    std::array<std::uint64_t, kRounds> rc{};
    for (std::size_t ir = 0; ir < kRounds; ++ir)
        for (std::size_t j = 0; j <= 6; ++j)
            if (rc_bit(j + 7 * ir)) rc[ir] |= std::uint64_t{1} << ((1u << j) - 1);
    return rc;
}

constexpr auto kRoundConstants = make_round_constants();
static_assert(kRoundConstants[0] == 0x0000000000000001);
static_assert(kRoundConstants[1] == 0x0000000000008082);
static_assert(kRoundConstants[23] == 0x8000000080008008);

/// The rho offsets (FIPS 202 Algorithm 2), indexed by lane x + 5y.
constexpr std::array<unsigned, 25> make_rho_offsets() noexcept {
    std::array<unsigned, 25> offsets{};
    unsigned x = 1, y = 0;
    for (unsigned t = 0; t < 24; ++t) {
        offsets[x + 5 * y] = ((t + 1) * (t + 2) / 2) % 64;
        const unsigned next_y = (2 * x + 3 * y) % 5;
        x = y;
        y = next_y;
    }
    return offsets;
}

constexpr auto kRho = make_rho_offsets();
static_assert(kRho[0] == 0 && kRho[1] == 1 && kRho[5] == 36 && kRho[24] == 14);

/// pi (FIPS 202 Algorithm 3), A'[x, y] = A[(x + 3y) mod 5, x]: the lane that the source lane
/// (x, y) moves to is (y, 2x + 3y mod 5).
constexpr std::size_t pi_target(std::size_t lane) noexcept {
    const std::size_t x = lane % 5, y = lane / 5;
    return y + 5 * ((2 * x + 3 * y) % 5);
}
static_assert(pi_target(0) == 0 && pi_target(1) == 10 && pi_target(6) == 1);

constexpr std::uint64_t rotl(std::uint64_t v, unsigned n) noexcept {
    return (v << n) | (v >> ((64 - n) & 63));
}

/// Calls f(integral_constant<I>) for I in [0, N): every index is a compile-time constant, so
/// the state stays in registers (or wasm locals) instead of an indexed array.
template<std::size_t... I, class F>
[[gnu::always_inline]] inline void unrolled(std::index_sequence<I...>, F&& f) noexcept {
    (f(std::integral_constant<std::size_t, I>{}), ...);
}

template<std::size_t N, class F>
[[gnu::always_inline]] inline void unrolled(F&& f) noexcept {
    unrolled(std::make_index_sequence<N>{}, static_cast<F&&>(f));
}

inline std::uint64_t load_le64(const std::uint8_t* p) noexcept {
    std::uint64_t v = 0;
    for (unsigned i = 0; i < 8; ++i)
        v |= std::uint64_t{p[i]} << (8 * i);
    return v;
}

inline void absorb_block(std::uint64_t (&a)[25], const std::uint8_t* block) noexcept {
    unrolled<kRateLanes>([&](auto i) { a[i] ^= load_le64(block + 8 * i); });
    keccak_f1600(a);
}

} // namespace

void keccak_f1600(std::uint64_t (&a)[25]) noexcept {
    for (std::size_t round = 0; round < kRounds; ++round) {
        // theta
        std::uint64_t c[5];
        unrolled<5>([&](auto x) { c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20]; });
        std::uint64_t d[5];
        unrolled<5>([&](auto x) { d[x] = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1); });
        // theta (apply), rho and pi in one pass
        std::uint64_t b[25];
        unrolled<25>([&](auto i) { b[pi_target(i)] = rotl(a[i] ^ d[i % 5], kRho[i]); });
        // chi
        unrolled<25>([&](auto i) {
            constexpr std::size_t row = i - i % 5;
            a[i] = b[i] ^ (~b[row + (i + 1) % 5] & b[row + (i + 2) % 5]);
        });
        // iota
        a[0] ^= kRoundConstants[round];
    }
}

Hash256 keccak256(std::span<const std::uint8_t> data) noexcept {
    std::uint64_t a[25] = {};
    const std::uint8_t* p = data.data();
    std::size_t left = data.size();
    for (; left >= kKeccak256Rate; left -= kKeccak256Rate, p += kKeccak256Rate)
        absorb_block(a, p);

    // The last, partial block: whole lanes, then the bytes of a partial lane, then pad10*1
    // (0x01 after the message, 0x80 in the last byte of the block).
    const std::size_t whole = left / 8;
    for (std::size_t i = 0; i < whole; ++i)
        a[i] ^= load_le64(p + 8 * i);
    std::uint64_t tail = 0;
    for (std::size_t i = 0; i < left % 8; ++i)
        tail |= std::uint64_t{p[8 * whole + i]} << (8 * i);
    a[whole] ^= tail ^ (std::uint64_t{0x01} << (8 * (left % 8)));
    a[kRateLanes - 1] ^= std::uint64_t{0x80} << 56;
    keccak_f1600(a);

    Hash256 out;
    unrolled<4>([&](auto i) {
        unrolled<8>([&](auto j) { out[8 * i + j] = static_cast<std::uint8_t>(a[i] >> (8 * j)); });
    });
    return out;
}

Hash256 keccak256(std::string_view text) noexcept {
    return keccak256(std::span<const std::uint8_t>(
        reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

} // namespace paylinks::crypto
