#include "core/crypto/hex.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace paylinks::crypto;

TEST_CASE("hex_encode writes two lower-case digits per byte", "[crypto][hex]") {
    CHECK(hex_encode({}).empty());
    const std::vector<std::uint8_t> bytes = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xcd, 0xef, 0xff};
    CHECK(hex_encode(bytes) == "00017f80abcdefff");
}

TEST_CASE("hex_decode is strict", "[crypto][hex]") {
    struct Case {
        const char* text;
        bool ok;
        std::vector<std::uint8_t> bytes;
    };
    const Case cases[] = {
        {"", true, {}},
        {"00", true, {0x00}},
        {"DeadBeef", true, {0xde, 0xad, 0xbe, 0xef}},
        {"0a0B", true, {0x0a, 0x0b}},
        {"0", false, {}},                // odd length
        {"abc", false, {}},              // odd length
        {"0x00", false, {}},             // prefix not allowed here
        {"gg", false, {}},               // not hex
        {" 0", false, {}},               // space
        {"0 ", false, {}},               // space
        {"+1", false, {}},               // sign
        {"\xef\xbc\x90\x30", false, {}}, // a full-width digit
    };
    for (const auto& c : cases) {
        INFO(c.text);
        const auto decoded = hex_decode(c.text);
        REQUIRE(decoded.has_value() == c.ok);
        if (c.ok) CHECK(*decoded == c.bytes);
    }
}

TEST_CASE("hex_decode_prefixed requires 0x and an even number of digits", "[crypto][hex]") {
    CHECK(hex_decode_prefixed("0x") == std::vector<std::uint8_t>{});
    CHECK(hex_decode_prefixed("0x00ff") == std::vector<std::uint8_t>{0x00, 0xff});
    CHECK(hex_decode_prefixed("0xABcd") == std::vector<std::uint8_t>{0xab, 0xcd});
    for (const char* bad : {"", "0", "x", "00ff", "0X00ff", "0x0", "0x0g", "0x 0", "0xx0"}) {
        INFO(bad);
        CHECK_FALSE(hex_decode_prefixed(bad).has_value());
    }
}

TEST_CASE("hex_decode_fixed requires exactly N bytes", "[crypto][hex]") {
    const auto four = hex_decode_fixed<4>("0xDEADbeef");
    REQUIRE(four.has_value());
    CHECK(*four == std::array<std::uint8_t, 4>{0xde, 0xad, 0xbe, 0xef});
    CHECK_FALSE(hex_decode_fixed<4>("0xdeadbe").has_value());
    CHECK_FALSE(hex_decode_fixed<4>("0xdeadbeef00").has_value());
    CHECK_FALSE(hex_decode_fixed<4>("deadbeef").has_value());
    CHECK_FALSE(hex_decode_fixed<4>("0Xdeadbeef").has_value());
    CHECK_FALSE(hex_decode_fixed<4>("0xdeadbeeg").has_value());
    CHECK(hex_decode_fixed<0>("0x").has_value());
}

TEST_CASE("hex round-trips every byte value", "[crypto][hex]") {
    std::vector<std::uint8_t> all(256);
    for (std::size_t i = 0; i < all.size(); ++i)
        all[i] = static_cast<std::uint8_t>(i);
    const std::string text = hex_encode(all);
    CHECK(text.size() == 512);
    CHECK(hex_decode(text) == all);
    CHECK(hex_decode_prefixed("0x" + text) == all);
}

TEST_CASE("hex_digit_value", "[crypto][hex]") {
    static_assert(hex_digit_value('0') == 0 && hex_digit_value('9') == 9);
    static_assert(hex_digit_value('a') == 10 && hex_digit_value('F') == 15);
    static_assert(hex_digit_value('g') == -1 && hex_digit_value('x') == -1);
    for (int c = 0; c < 256; ++c) {
        const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        CHECK((hex_digit_value(static_cast<char>(c)) >= 0) == hex);
    }
}
