#include "core/crypto/hex.hpp"
#include "core/crypto/hmac.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace paylinks::crypto;

namespace {
std::vector<std::uint8_t> repeat(std::uint8_t byte, std::size_t n) {
    return std::vector<std::uint8_t>(n, byte);
}
std::vector<std::uint8_t> bytes(std::string_view text) {
    return {text.begin(), text.end()};
}
} // namespace

// RFC 4231 §4.2–4.8, HMAC-SHA-256 results.
TEST_CASE("hmac_sha256 RFC 4231 test cases 1-7", "[crypto][hmac]") {
    struct Case {
        int number;
        std::vector<std::uint8_t> key;
        std::vector<std::uint8_t> data;
        const char* mac; // case 5 is truncated to 128 bits
    };
    std::vector<std::uint8_t> key4;
    for (std::uint8_t b = 0x01; b <= 0x19; ++b)
        key4.push_back(b);
    const Case cases[] = {
        {1, repeat(0x0b, 20), bytes("Hi There"),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
        {2, bytes("Jefe"), bytes("what do ya want for nothing?"),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
        {3, repeat(0xaa, 20), repeat(0xdd, 50),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
        {4, key4, repeat(0xcd, 50),
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
        {5, repeat(0x0c, 20), bytes("Test With Truncation"), "a3b6167473100ee06e0c796c2955552b"},
        {6, repeat(0xaa, 131), bytes("Test Using Larger Than Block-Size Key - Hash Key First"),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
        {7, repeat(0xaa, 131),
         bytes("This is a test using a larger than block-size key and a larger than block-size "
               "data. The key needs to be hashed before being used by the HMAC algorithm."),
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
    };
    for (const auto& c : cases) {
        INFO("RFC 4231 test case " << c.number);
        const std::string mac = hex_encode(hmac_sha256(c.key, c.data));
        CHECK(mac.substr(0, std::string_view(c.mac).size()) == c.mac);
    }
}

TEST_CASE("hmac_sha256 string overload matches the byte overload", "[crypto][hmac]") {
    CHECK(hex_encode(hmac_sha256(std::string_view("Jefe"),
                                 std::string_view("what do ya want for nothing?"))) ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    // A key of exactly one block is used as it is, one byte more is hashed first.
    const std::string block_key(64, 'k'), long_key(65, 'k');
    CHECK(hmac_sha256(block_key, "m") != hmac_sha256(long_key, "m"));
    CHECK(hmac_sha256(std::string_view{}, std::string_view{}) ==
          hmac_sha256(std::string(64, '\0'), std::string_view{}));
}

TEST_CASE("constant_time_equal", "[crypto][hmac]") {
    struct Case {
        std::string_view a, b;
        bool equal;
    };
    const Case cases[] = {
        {"", "", true},
        {"sk_test_local", "sk_test_local", true},
        {"sk_test_local", "sk_test_locaL", false},
        {"sk_test_local", "Sk_test_local", false},
        {"sk_test_local", "sk_test_loca", false},
        {"sk_test_loca", "sk_test_local", false},
        {"", "x", false},
        {std::string_view("a\0b", 3), std::string_view("a\0c", 3), false},
        {std::string_view("ab\0", 3), "ab", false}, // a trailing NUL still differs in length
    };
    for (const auto& c : cases) {
        INFO('"' << c.a << "\" vs \"" << c.b << '"');
        CHECK(constant_time_equal(c.a, c.b) == c.equal);
        CHECK(constant_time_equal(c.b, c.a) == c.equal);
    }
}
