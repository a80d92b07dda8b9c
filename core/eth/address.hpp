#pragma once
// 20-byte Ethereum account addresses: EIP-55 mixed-case checksum encoding, and the 32-byte
// left-padded form addresses take as indexed event topics (Solidity ABI encoding of address).
#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace paylinks::eth {

struct Address {
    std::array<std::uint8_t, 20> bytes{};

    // Spelled out (rather than `auto`) because the libc++ of Emscripten 3.1.6 has no
    // operator<=> for std::array: the defaulted comparison is then synthesised from < and ==.
    std::strong_ordering operator<=>(const Address&) const = default;
    bool operator==(const Address&) const = default;
};

/// EIP-55: "0x" + 40 hex digits, a letter upper-cased iff the matching nibble of
/// keccak256(lower-case hex) is ≥ 8.
[[nodiscard]] std::string to_checksum_address(const Address& address);

/// "0x" + 40 lower-case hex digits.
[[nodiscard]] std::string to_lower_hex(const Address& address);

/// "0x" + 40 hex digits. All-lower-case and all-upper-case digits are accepted as they are;
/// mixed case must be the exact EIP-55 checksum. Anything else ("0X…", 39/41 digits, spaces,
/// a wrong checksum) → nullopt.
[[nodiscard]] std::optional<Address> parse_address(std::string_view text);

/// An indexed `address` event topic: "0x" + 64 hex digits (either case) whose first 12 bytes
/// are zero → the address in the last 20 bytes; anything else → nullopt.
[[nodiscard]] std::optional<Address> address_from_topic(std::string_view topic_hex) noexcept;

/// The topic for `address`: "0x" + 24 zeros + 40 lower-case hex digits (66 characters).
[[nodiscard]] std::string topic_for(const Address& address);

} // namespace paylinks::eth
