#pragma once
// Counterfactual deposit addresses: CREATE2 (EIP-1014) of EIP-1167 minimal proxies.
#include "core/crypto/hash256.hpp"
#include "core/eth/address.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace paylinks::eth {

/// EIP-1014: the address a CREATE2 from `deployer` with `salt` and init code of hash
/// `init_code_hash` deploys to — keccak256(0xff ++ deployer ++ salt ++ init_code_hash)[12:].
[[nodiscard]] Address create2_address(const Address& deployer, const crypto::Hash256& salt,
                                      const crypto::Hash256& init_code_hash) noexcept;

/// Length of the EIP-1167 creation code: a 10-byte constructor that returns the 45-byte
/// runtime code.
inline constexpr std::size_t kMinimalProxyInitCodeSize = 55;

/// EIP-1167 minimal proxy creation code delegating to `implementation`:
/// 3d602d80600a3d3981f3 ++ 363d3d373d3d3d363d73 ++ implementation ++
/// 5af43d82803e903d91602b57fd5bf3.
[[nodiscard]] constexpr std::array<std::uint8_t, kMinimalProxyInitCodeSize>
minimal_proxy_init_code(const Address& implementation) noexcept {
    constexpr std::array<std::uint8_t, 10> constructor = {0x3d, 0x60, 0x2d, 0x80, 0x60,
                                                          0x0a, 0x3d, 0x39, 0x81, 0xf3};
    constexpr std::array<std::uint8_t, 10> runtime_head = {0x36, 0x3d, 0x3d, 0x37, 0x3d,
                                                           0x3d, 0x3d, 0x36, 0x3d, 0x73};
    constexpr std::array<std::uint8_t, 15> runtime_tail = {
        0x5a, 0xf4, 0x3d, 0x82, 0x80, 0x3e, 0x90, 0x3d, 0x91, 0x60, 0x2b, 0x57, 0xfd, 0x5b, 0xf3};
    // The constructor copies and returns 0x2d = 45 bytes: the runtime code.
    static_assert(runtime_head.size() + 20 + runtime_tail.size() == 0x2d);
    static_assert(constructor.size() + 0x2d == kMinimalProxyInitCodeSize);
    // PUSH20 (0x73) is the last byte before the implementation address.
    static_assert(runtime_head.back() == 0x73);

    std::array<std::uint8_t, kMinimalProxyInitCodeSize> code{};
    std::size_t at = 0;
    for (const std::uint8_t b : constructor)
        code[at++] = b;
    for (const std::uint8_t b : runtime_head)
        code[at++] = b;
    for (const std::uint8_t b : implementation.bytes)
        code[at++] = b;
    for (const std::uint8_t b : runtime_tail)
        code[at++] = b;
    return code;
}

/// The service's deposit address for a checkout session: the CREATE2 address, from the
/// forwarder `factory`, of a minimal proxy of `implementation`, with
/// salt = keccak256(bytes of `session_id`). Three Keccak-256 evaluations; use
/// DepositAddressDeriver to derive many.
[[nodiscard]] Address deposit_address_for(const Address& factory, const Address& implementation,
                                          std::string_view session_id) noexcept;

/// deposit_address_for with the init-code hash computed once: each derive() costs two
/// Keccak-256 permutations (the salt, then the address) and no allocation.
struct DepositAddressDeriver {
    DepositAddressDeriver(const Address& factory, const Address& implementation) noexcept;

    [[nodiscard]] Address derive(std::string_view session_id) const noexcept;

    [[nodiscard]] Address factory() const noexcept;
    [[nodiscard]] const crypto::Hash256& init_code_hash() const noexcept;

private:
    /// 0xff ++ factory ++ salt ++ init_code_hash, with the salt left zero.
    std::array<std::uint8_t, 85> preimage_{};
    crypto::Hash256 init_code_hash_{};
};

} // namespace paylinks::eth
