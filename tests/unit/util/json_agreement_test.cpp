// core/util/json against nlohmann::json on inputs where JSON readers are known to part ways
// (fuzz/json_agreement.hpp; fuzz_json runs the same comparison on arbitrary bytes).
#include "fuzz/json_agreement.hpp"

#include <catch2/catch.hpp>
#include <string>

namespace {

struct Row {
    const char* name;
    std::string text;
    bool accepted;        ///< by core/util/json
    const char* intended; ///< the meant difference that applies, "" when they fully agree
};

std::string nested(int depth) {
    return std::string(static_cast<std::size_t>(depth), '[') +
           std::string(static_cast<std::size_t>(depth), ']');
}

std::string deep_object(int depth) {
    std::string text;
    for (int i = 0; i < depth; ++i)
        text += "{\"a\":";
    text += "1";
    return text + std::string(static_cast<std::size_t>(depth), '}');
}

} // namespace

TEST_CASE("core/util/json and nlohmann::json agree on tricky inputs", "[json]") {
    const Row table[] = {
        // Integers at and past 64 bits.
        {"INT64_MAX", "9223372036854775807", true, ""},
        {"INT64_MIN", "-9223372036854775808", true, ""},
        {"below INT64_MIN", "-9223372036854775809", true, ""},
        {"UINT64_MAX", "18446744073709551615", true, ""},
        {"2^64", "18446744073709551616", true, ""},
        {"a 40-digit integer", "1234567890123456789012345678901234567890", true, ""},
        {"uint256 max",
         "[115792089237316195423570985008687907853269984665640564039457584007913129639935]", true,
         ""},
        // Zeros and signs.
        {"-0", "-0", true, ""},
        {"-0.0", "-0.0", true, ""},
        {"0e0", "0e0", true, ""},
        {"-0e-0", "[-0e-0]", true, ""},
        {"leading zero", "00", false, ""},
        {"leading plus", "+1", false, ""},
        // Exponents beyond double.
        {"1e400", "1e400", true, "a number beyond double's range"},
        {"-1e400", "[-1e400]", true, "a number beyond double's range"},
        {"1e-400 (underflows to 0)", "1e-400", true, ""},
        {"1.8e308, past DBL_MAX", "1.8e308", true, "a number beyond double's range"},
        {"1.7e308, within", "1.7e308", true, ""},
        {"1E+2", "1E+2", true, ""},
        {"0.1", "0.1", true, ""},
        {"many digits", "3.141592653589793238462643383279", true, ""},
        // Nesting.
        {"512 deep", nested(512), true, ""},
        {"513 deep", nested(513), false, "nested deeper than 512"},
        {"10000 deep", nested(10000), false, "nested deeper than 512"},
        {"600 deep objects", deep_object(600), false, "nested deeper than 512"},
        {"512 deep objects", deep_object(512), true, ""},
        // UTF-8.
        {"valid 2-, 3- and 4-byte UTF-8", "\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"", true, ""},
        {"invalid byte", "\"\xFF\"", false, ""},
        {"continuation byte alone", "\"\x80\"", false, ""},
        {"overlong slash", "\"\xC0\xAF\"", false, ""},
        {"overlong 3-byte", "\"\xE0\x80\xAF\"", false, ""},
        {"UTF-8 surrogate", "\"\xED\xA0\x80\"", false, ""},
        {"above U+10FFFF", "\"\xF4\x90\x80\x80\"", false, ""},
        {"truncated sequence", "\"\xE2\x82\"", false, ""},
        {"invalid UTF-8 in a key", "{\"\xFF\":1}", false, ""},
        {"byte-order mark", "\xEF\xBB\xBF{}", false, "a leading byte-order mark"},
        {"byte-order mark inside a string", "\"\xEF\xBB\xBF\"", true, ""},
        // Duplicate keys: the last value, in the first one's place.
        {"duplicate keys", R"({"a":1,"b":2,"a":3})", true, ""},
        {"duplicate keys, nested", R"({"a":{"x":1},"a":{"y":2}})", true, ""},
        // Escapes and surrogates.
        {"\\u escapes", R"("\u0041\u00e9\u20ac\u0000")", true, ""},
        {"escaped solidus", R"("\/")", true, ""},
        {"surrogate pair", R"("\ud83d\ude00")", true, ""},
        {"upper-case hex", R"("\uD83D\uDE00")", true, ""},
        {"lone high surrogate", R"("\ud83d")", false, ""},
        {"lone low surrogate", R"("\ude00")", false, ""},
        {"high surrogate then a letter", R"("\ud83dx")", false, ""},
        {"two high surrogates", R"("\ud83d\ud83d")", false, ""},
        {"short escape", R"("\u12")", false, ""},
        {"unknown escape", R"("\x41")", false, ""},
        {"raw control character", "\"a\x01\"", false, ""},
        {"DEL unescaped", "\"\x7F\"", true, ""},
        // Framing.
        {"surrounding whitespace", " \t\r\n[1 , 2]\n ", true, ""},
        {"form feed is not whitespace", "\f1", false, ""},
        {"NUL after a value", std::string("1\0", 2), false,
         "a NUL byte (nlohmann stops reading there)"},
        {"NUL then more", std::string("[1]\0x", 5), false,
         "a NUL byte (nlohmann stops reading there)"},
        {"NUL inside a string", std::string("\"a\0\"", 4), false, ""},
        {"two values", "1 2", false, ""},
        {"empty", "", false, ""},
        {"trailing comma", "[1,]", false, ""},
    };
    for (const auto& row : table) {
        INFO(row.name);
        const auto verdict = paylinks::json_agreement::compare(row.text);
        CHECK(verdict.disagreement == "");
        CHECK(verdict.ours == row.accepted);
        CHECK(verdict.intended == std::string(row.intended));
    }
}
