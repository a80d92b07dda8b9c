#include "core/crypto/base64.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace paylinks::crypto;

namespace {
std::vector<std::uint8_t> bytes(std::string_view text) {
    return {text.begin(), text.end()};
}
} // namespace

// RFC 4648 §10.
TEST_CASE("base64 RFC 4648 test vectors", "[crypto][base64]") {
    struct Vector {
        const char* plain;
        const char* encoded;
    };
    const Vector vectors[] = {
        {"", ""},
        {"f", "Zg=="},
        {"fo", "Zm8="},
        {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="},
        {"fooba", "Zm9vYmE="},
        {"foobar", "Zm9vYmFy"},
    };
    for (const auto& v : vectors) {
        INFO(v.plain);
        CHECK(base64_encode(bytes(v.plain)) == v.encoded);
        const auto decoded = base64_decode(v.encoded);
        REQUIRE(decoded.has_value());
        CHECK(*decoded == bytes(v.plain));
    }
}

TEST_CASE("base64 uses '+' and '/'", "[crypto][base64]") {
    const std::vector<std::uint8_t> high = {0xfb, 0xff, 0xbf};
    CHECK(base64_encode(high) == "+/+/");
    CHECK(base64_decode("+/+/") == high);
}

TEST_CASE("base64_decode is strict", "[crypto][base64]") {
    for (const char* bad : {
             "Zg",         // missing padding
             "Zg=",        // short padding
             "Zg===",      // too long
             "Z===",       // one symbol cannot carry a byte
             "====",       // only padding
             "Zm9v=",      // length not a multiple of 4
             "Zm=v",       // padding inside
             "Zg==Zg==",   // padding before the end
             "Zh==",       // non-zero bits under the padding
             "Zm9=",       // non-zero bits under the padding
             "Zm9v\n",     // whitespace
             " Zm9v",      // whitespace
             "Zm9v-_-_",   // URL-safe alphabet
             "Zm\xc3\xa9", // non-ASCII
         }) {
        INFO(bad);
        CHECK_FALSE(base64_decode(bad).has_value());
    }
}

TEST_CASE("base64 round-trips every length up to 3 blocks", "[crypto][base64]") {
    std::vector<std::uint8_t> data;
    for (int n = 0; n < 12; ++n) {
        const std::string text = base64_encode(data);
        CHECK(text.size() == (data.size() + 2) / 3 * 4);
        CHECK(base64_decode(text) == data);
        data.push_back(static_cast<std::uint8_t>(0xa5 ^ (n * 37)));
    }
}
