#include "core/eth/address.hpp"

#include "core/crypto/hex.hpp"
#include "core/crypto/keccak.hpp"

namespace paylinks::eth {

namespace {

constexpr bool is_lower_letter(char c) noexcept {
    return c >= 'a' && c <= 'f';
}
constexpr bool is_upper_letter(char c) noexcept {
    return c >= 'A' && c <= 'F';
}

/// Writes the EIP-55 form of 40 lower-case hex digits in place.
void apply_checksum(char* digits) noexcept {
    const crypto::Hash256 hash = crypto::keccak256(std::string_view(digits, 40));
    for (std::size_t i = 0; i < 40; ++i) {
        const unsigned nibble = i % 2 == 0 ? hash[i / 2] >> 4 : hash[i / 2] & 0x0f;
        if (nibble >= 8 && is_lower_letter(digits[i]))
            digits[i] = static_cast<char>(digits[i] - 'a' + 'A');
    }
}

} // namespace

std::string to_lower_hex(const Address& address) {
    return "0x" + crypto::hex_encode(address.bytes);
}

std::string to_checksum_address(const Address& address) {
    std::string out = to_lower_hex(address);
    apply_checksum(out.data() + 2);
    return out;
}

std::optional<Address> parse_address(std::string_view text) {
    Address address;
    if (text.size() != 42 || text[0] != '0' || text[1] != 'x' ||
        !crypto::hex_decode_into(text.substr(2), address.bytes))
        return std::nullopt;

    bool lower = false, upper = false;
    for (const char c : text.substr(2)) {
        lower = lower || is_lower_letter(c);
        upper = upper || is_upper_letter(c);
    }
    if (lower && upper && to_checksum_address(address) != text) return std::nullopt;
    return address;
}

std::optional<Address> address_from_topic(std::string_view topic_hex) noexcept {
    const auto word = crypto::hex_decode_fixed<32>(topic_hex);
    if (!word) return std::nullopt;
    for (std::size_t i = 0; i < 12; ++i)
        if ((*word)[i] != 0) return std::nullopt;
    Address address;
    for (std::size_t i = 0; i < 20; ++i)
        address.bytes[i] = (*word)[12 + i];
    return address;
}

std::string topic_for(const Address& address) {
    return "0x000000000000000000000000" + crypto::hex_encode(address.bytes);
}

} // namespace paylinks::eth
