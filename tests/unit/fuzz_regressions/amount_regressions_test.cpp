// Inputs fuzz_amount found, kept so they stay fixed (see fuzz/README.md).
#include "core/config/config.hpp"

#include <catch2/catch.hpp>

using paylinks::config::parse_rate;

TEST_CASE("a rate whose digits overflow 64 bits is refused, not read wrongly", "[fuzz]") {
    // Read as 11177670859137374740 / 10^12: the numerator had wrapped modulo 2^64.
    CHECK_FALSE(parse_rate("123456789012.123456789012"));
    CHECK_FALSE(parse_rate("99999999999.999999999"));
    // Up to 19 significant digits the value is exact.
    auto rate = parse_rate("1234567890.123456789");
    REQUIRE(rate);
    CHECK(rate->numerator == 1234567890123456789ull);
    CHECK(rate->denominator == 1000000000ull);
    CHECK(rate->text == "1234567890.123456789");
    auto small = parse_rate("000000000001.000000000001");
    REQUIRE(small);
    CHECK(small->numerator == 1000000000001ull);
    CHECK(small->denominator == 1000000000000ull);
}
