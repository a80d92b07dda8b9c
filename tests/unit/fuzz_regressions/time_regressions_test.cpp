// Inputs the fuzzers found in the date writer, kept so they stay fixed (see fuzz/README.md).
#include "core/util/time.hpp"

#include <catch2/catch.hpp>
#include <limits>

using paylinks::time::format_iso8601;

TEST_CASE("any time, even a corrupt one, is written without overflow", "[fuzz]") {
    // fuzz_engine: a stored createdAt of −2^63 overflowed (unix_ms − 86399999).
    CHECK(format_iso8601(-1) == "1969-12-31T23:59:59.999Z");
    CHECK(format_iso8601(-86'400'000) == "1969-12-31T00:00:00.000Z");
    CHECK(format_iso8601(-86'400'001) == "1969-12-30T23:59:59.999Z");
    CHECK(format_iso8601(paylinks::time::kMaxUnixMs) == "9999-12-31T23:59:59.999Z");
    CHECK_FALSE(format_iso8601(std::numeric_limits<std::int64_t>::min()).empty());
    CHECK_FALSE(format_iso8601(std::numeric_limits<std::int64_t>::max()).empty());
}
