#include "core/eth/address.hpp"

#include <catch2/catch.hpp>
#include <cctype>
#include <string>

using namespace paylinks::eth;

namespace {
std::string lower(std::string s) {
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}
std::string upper_digits(std::string s) { // keeps the "0x"
    for (std::size_t i = 2; i < s.size(); ++i)
        s[i] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[i])));
    return s;
}
} // namespace

// EIP-55 "Test Cases": all caps, all lower, normal.
TEST_CASE("EIP-55 checksum encoding", "[eth][address]") {
    const char* const vectors[] = {
        "0x52908400098527886E0F7030069857D2E4169EE7", "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
        "0xde709f2102306220921060314715629080e2fb77", "0x27b1fdb04752bbc536007a920d24acb045561c26",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    };
    for (const std::string checksummed : vectors) {
        INFO(checksummed);
        const auto address = parse_address(checksummed);
        REQUIRE(address.has_value());
        CHECK(to_checksum_address(*address) == checksummed);
        CHECK(to_lower_hex(*address) == lower(checksummed));
        // The same address in one case only is accepted too.
        CHECK(parse_address(lower(checksummed)) == address);
        CHECK(parse_address(upper_digits(checksummed)) == address);
    }
}

TEST_CASE("parse_address rejects a wrong checksum and malformed text", "[eth][address]") {
    for (const char* bad : {
             "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD",  // one letter's case flipped
             "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",  // another
             "0xfb6916095ca1df60bB79Ce92cE3Ea74c37c5d359",  // partly lower-cased
             "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",    // no prefix
             "0X5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED",  // upper-case prefix
             "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae",   // 39 digits
             "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed0", // 41 digits
             "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg",  // not hex
             " 0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
             "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed ",
             "0x000000000000000000000000000000000000000000000000", // a topic, not an address
             "",
             "0x",
         }) {
        INFO(bad);
        CHECK_FALSE(parse_address(bad).has_value());
    }
}

TEST_CASE("addresses with no letters are their own checksum", "[eth][address]") {
    const auto zero = parse_address("0x0000000000000000000000000000000000000000");
    REQUIRE(zero.has_value());
    CHECK(*zero == Address{});
    CHECK(to_checksum_address(*zero) == "0x0000000000000000000000000000000000000000");
}

TEST_CASE("Address ordering is bytewise", "[eth][address]") {
    Address a, b;
    b.bytes[19] = 1;
    CHECK(a < b);
    CHECK(a != b);
    a.bytes[0] = 1;
    CHECK(b < a);
    CHECK((a <=> a) == std::strong_ordering::equal);
}

TEST_CASE("address topics", "[eth][address]") {
    const auto address = parse_address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
    REQUIRE(address.has_value());
    const std::string topic = topic_for(*address);
    CHECK(topic == "0x0000000000000000000000005aaeb6053f3e94c9b9a09f33669435e7ef1beaed");
    CHECK(address_from_topic(topic) == address);
    CHECK(address_from_topic(
              "0x0000000000000000000000005AAEB6053F3E94C9B9A09F33669435E7EF1BEAED") == address);

    for (const char* bad : {
             "0x0000000000000000000000015aaeb6053f3e94c9b9a09f33669435e7ef1beaed", // high byte set
             "0x1000000000000000000000005aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
             "0x00000000000000000000005aaeb6053f3e94c9b9a09f33669435e7ef1beaed",     // 31 bytes
             "0x000000000000000000000000005aaeb6053f3e94c9b9a09f33669435e7ef1beaed", // 33 bytes
             "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",                           // an address
             "000000000000000000000000005aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
             "0x00000000000000000000000z5aaeb6053f3e94c9b9a09f33669435e7ef1beaed",
             "",
         }) {
        INFO(bad);
        CHECK_FALSE(address_from_topic(bad).has_value());
    }
}
