#include "core/num/uint256.hpp"
#include "tests/unit/num/catch_uint256.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace paylinks::num;

namespace {
constexpr const char* kMaxDecimal =
    "115792089237316195423570985008687907853269984665640564039457584007913129639935";
constexpr const char* kTwoTo256 =
    "115792089237316195423570985008687907853269984665640564039457584007913129639936";

const uint256 kMax = ~uint256(0);

uint256 two_to(unsigned n) {
    return uint256(1) << n;
}

uint256 ten_to(unsigned n) {
    uint256 v = 1;
    while (n-- > 0)
        v *= 10;
    return v;
}
} // namespace

TEST_CASE("parse_decimal_u256 accepts plain digits", "[num][decimal]") {
    struct Case {
        const char* text;
        uint256 value;
    };
    const Case cases[] = {
        {"0", 0},
        {"000", 0},
        {"7", 7},
        {"150000000", 150000000},
        {"0000000000000000000000000000000000000000000000000000000000000000000000000000000000042",
         42},
        {"18446744073709551615", uint256(~std::uint64_t{0})},
        {"18446744073709551616", two_to(64)},
        {"1000000000", 1000000000},
        {"999999999", 999999999},
        {kMaxDecimal, kMax},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        const auto v = parse_decimal_u256(c.text);
        REQUIRE(v.has_value());
        CHECK(*v == c.value);
    }
}

TEST_CASE("parse_decimal_u256 rejects everything else", "[num][decimal]") {
    for (const char* bad :
         {"", "-1", "+1", " 1", "1 ", "1_000", "1,000", "1.0", "1e3", "0x10",
          "\xd9\xa1", // ARABIC-INDIC DIGIT ONE
          kTwoTo256,
          "999999999999999999999999999999999999999999999999999999999999999999999999999999"}) {
        INFO(bad);
        CHECK_FALSE(parse_decimal_u256(bad).has_value());
    }
}

TEST_CASE("to_decimal", "[num][decimal]") {
    CHECK(to_decimal(0) == "0");
    CHECK(to_decimal(1) == "1");
    CHECK(to_decimal(1000000000) == "1000000000");
    CHECK(to_decimal(999999999) == "999999999");
    CHECK(to_decimal(two_to(64)) == "18446744073709551616");
    CHECK(to_decimal(two_to(128)) == "340282366920938463463374607431768211456");
    CHECK(to_decimal(kMax) == kMaxDecimal);
    // Round trip over powers of ten and their neighbours.
    uint256 p = 1;
    for (int i = 0; i < 77; ++i, p *= 10) {
        for (const uint256& v : {p - 1, p, p + 1}) {
            const std::string text = to_decimal(v);
            CHECK(parse_decimal_u256(text) == v);
        }
    }
}

TEST_CASE("parse_hex_quantity follows the JSON-RPC QUANTITY rules", "[num][hex]") {
    struct Case {
        const char* text;
        bool ok;
        uint256 value;
    };
    const Case cases[] = {
        {"0x0", true, 0},
        {"0x1", true, 1},
        {"0x41", true, 65},
        {"0x400", true, 1024},
        {"0xAbC", true, 0xabc},
        {"0x1a", true, 26},
        {"0x10000000000000000", true, two_to(64)},
        {"0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", true, kMax},
        {"0x", false, 0},   // no digits
        {"0x00", false, 0}, // leading zero
        {"0x0400", false, 0},
        {"0X1", false, 0},
        {"1", false, 0},
        {"x1", false, 0},
        {"ff", false, 0},
        {"0xg", false, 0},
        {"0x 1", false, 0},
        {"0x1 ", false, 0},
        {"-0x1", false, 0},
        {"", false, 0},
        {"0x10000000000000000000000000000000000000000000000000000000000000000", false,
         0}, // 65 digits
    };
    for (const auto& c : cases) {
        INFO(c.text);
        const auto v = parse_hex_quantity(c.text);
        REQUIRE(v.has_value() == c.ok);
        if (c.ok) CHECK(*v == c.value);
    }
}

TEST_CASE("parse_hex_u64", "[num][hex]") {
    CHECK(parse_hex_u64("0x0") == std::uint64_t{0});
    CHECK(parse_hex_u64("0x1b4") == std::uint64_t{436});
    CHECK(parse_hex_u64("0xFFFFFFFFFFFFFFFF") == ~std::uint64_t{0});
    for (const char* bad : {"0x10000000000000000", "0x", "0x01", "436", "0x1b4 ", "0xz"}) {
        INFO(bad);
        CHECK_FALSE(parse_hex_u64(bad).has_value());
    }
}

TEST_CASE("to_hex_quantity", "[num][hex]") {
    CHECK(to_hex_quantity(uint256(0)) == "0x0");
    CHECK(to_hex_quantity(uint256(26)) == "0x1a");
    CHECK(to_hex_quantity(two_to(64)) == "0x10000000000000000");
    CHECK(to_hex_quantity(kMax) == "0x" + std::string(64, 'f'));
    CHECK(to_hex_quantity(std::uint64_t{0}) == "0x0");
    CHECK(to_hex_quantity(std::uint64_t{1024}) == "0x400");
    CHECK(to_hex_quantity(~std::uint64_t{0}) == "0xffffffffffffffff");
    for (unsigned bit = 0; bit < 256; bit += 7) {
        const uint256 v = two_to(bit) + bit;
        CHECK(parse_hex_quantity(to_hex_quantity(v)) == v);
    }
}

TEST_CASE("format_units", "[num][units]") {
    struct Case {
        uint256 value;
        unsigned decimals;
        const char* text;
    };
    const Case cases[] = {
        {150000000, 6, "150.000000"},
        {150, 0, "150"},
        {0, 0, "0"},
        {0, 6, "0.000000"},
        {1, 6, "0.000001"},
        {999999, 6, "0.999999"},
        {1000000, 6, "1.000000"},
        {12345, 2, "123.45"},
        {5, 2, "0.05"},
        {1, 18, "0.000000000000000001"},
        {kMax, 18,
         "115792089237316195423570985008687907853269984665640564039457.584007913129639935"},
        {kMax, 78,
         "0.115792089237316195423570985008687907853269984665640564039457584007913129639935"},
        {7, 80,
         "0.00000000000000000000000000000000000000000000000000000000000000000000000000000007"},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        CHECK(format_units(c.value, c.decimals) == c.text);
        CHECK(parse_units(c.text, c.decimals) == c.value);
    }
}

TEST_CASE("parse_units accepts ^\\d+(\\.\\d{1,decimals})?$", "[num][units]") {
    struct Case {
        const char* text;
        unsigned decimals;
        uint256 value;
    };
    const Case cases[] = {
        {"150", 6, 150000000},
        {"150.5", 6, 150500000},
        {"150.000001", 6, 150000001},
        {"0.01", 2, 1},
        {"007.10", 2, 710},
        {"100000000", 2, 10000000000ull},
        {"0", 0, 0},
        {"42", 0, 42},
        {"0.0", 1000000, 0},
        {"1", 77, ten_to(77)},
        {"11.5", 76, ten_to(77) + ten_to(76) + 5 * ten_to(75)},
    };
    for (const auto& c : cases) {
        INFO(c.text << " with " << c.decimals << " decimals");
        const auto v = parse_units(c.text, c.decimals);
        REQUIRE(v.has_value());
        CHECK(*v == c.value);
    }
}

TEST_CASE("parse_units rejects everything else", "[num][units]") {
    struct Case {
        const char* text;
        unsigned decimals;
    };
    const Case cases[] = {
        {"", 6},
        {".", 6},
        {".5", 6},
        {"1.", 6},
        {"1.0000001", 6},
        {"1.5", 0},
        {"1.0", 0},
        {"-1", 6},
        {"+1", 6},
        {" 1", 6},
        {"1 ", 6},
        {"1e3", 6},
        {"1E3", 6},
        {"1,5", 6},
        {"1.2.3", 6},
        {"0x10", 6},
        {"NaN", 6},
        {"inf", 6},
        {"1..2", 6},
        {"\xd9\xa1", 6},
        {"1", 78},
        {"1", 4000000000u}, // overflow: 10^78 > 2^256
        {kTwoTo256, 0},
        {"115792089237316195423570985008687907853269984665640564039457.584007913129639936", 18},
    };
    for (const auto& c : cases) {
        INFO(c.text << " with " << c.decimals << " decimals");
        CHECK_FALSE(parse_units(c.text, c.decimals).has_value());
    }
}

TEST_CASE("32-byte big-endian words", "[num][bytes]") {
    std::array<std::uint8_t, 32> one{};
    one[31] = 1;
    CHECK(to_be_bytes(1) == one);
    CHECK(from_be_bytes(one) == 1);

    std::array<std::uint8_t, 32> all{};
    all.fill(0xff);
    CHECK(to_be_bytes(kMax) == all);
    CHECK(from_be_bytes(all) == kMax);

    std::array<std::uint8_t, 32> counting{};
    for (std::size_t i = 0; i < 32; ++i)
        counting[i] = static_cast<std::uint8_t>(i + 1);
    const uint256 v = from_be_bytes(counting);
    CHECK(to_hex_quantity(v) ==
          "0x102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20");
    CHECK(to_be_bytes(v) == counting);
    CHECK(to_be_bytes(0) == std::array<std::uint8_t, 32>{});
}
