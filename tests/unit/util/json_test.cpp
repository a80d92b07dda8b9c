#include "core/util/json.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

using paylinks::dump_json;
using paylinks::Json;
using paylinks::parse_json;

namespace {

struct Case {
    const char* name;
    std::string text;
};

// RFC 8259 documents that must be read, and how each serialises back (compact).
struct Accepted {
    const char* text;
    const char* dumped;
};

} // namespace

TEST_CASE("RFC 8259 documents parse and serialise compactly", "[json]") {
    const Accepted table[] = {
        {"null", "null"},
        {" true ", "true"},
        {"false", "false"},
        {"0", "0"},
        {"-0", "0"},
        {"18446744073709551615", "18446744073709551615"},
        {"-9223372036854775808", "-9223372036854775808"},
        {"1.5", "1.5"},
        {"-1e-7", "-1e-7"},
        {"2E+10", "2E+10"},
        {"18446744073709551616", "18446744073709551616"}, // beyond 64 bits: kept as text
        {"-9223372036854775809", "-9223372036854775809"},
        {R"("")", R"("")"},
        {R"("a\"b\\c\/d")", R"("a\"b\\c/d")"},
        {R"("\b\f\n\r\t")", R"("\b\f\n\r\t")"},
        {R"("\u0001\u001f")", R"("\u0001\u001f")"},
        {R"("\u00e9\u20AC")", "\"\xC3\xA9\xE2\x82\xAC\""},
        {R"("\ud83d\ude00")", "\"\xF0\x9F\x98\x80\""}, // a surrogate pair
        {"\"\xF0\x9F\x98\x80 \xE2\x82\xAC\"", "\"\xF0\x9F\x98\x80 \xE2\x82\xAC\""},
        {"\"\x7F\"", "\"\x7F\""},
        {"[]", "[]"},
        {"{}", "{}"},
        {" [ 1 , [ 2 , { } ] , \"x\" ] ", R"([1,[2,{}],"x"])"},
        {R"({"b":1,"a":2})", R"({"b":1,"a":2})"},       // insertion order kept
        {R"({"a":1,"b":2,"a":3})", R"({"a":3,"b":2})"}, // the last duplicate wins
        {"\t\r\n{\"k\" : [true,false,null]}\n", R"({"k":[true,false,null]})"},
    };
    for (const auto& row : table) {
        INFO(row.text);
        const auto parsed = parse_json(row.text);
        REQUIRE(parsed.has_value());
        CHECK(dump_json(*parsed) == row.dumped);
        // What is dumped parses back to an equal value.
        const auto again = parse_json(dump_json(*parsed));
        REQUIRE(again.has_value());
        CHECK(*again == *parsed);
    }
}

TEST_CASE("anything that is not exactly one RFC 8259 value is refused", "[json]") {
    const Case table[] = {
        {"empty", ""},
        {"blank", "  "},
        {"two values", "1 2"},
        {"trailing comma in array", "[1,]"},
        {"trailing comma in object", R"({"a":1,})"},
        {"unquoted key", "{a:1}"},
        {"single quotes", "'a'"},
        {"leading zero", "01"},
        {"leading plus", "+1"},
        {"bare minus", "-"},
        {"dot without digits", "1."},
        {"leading dot", ".5"},
        {"exponent without digits", "1e"},
        {"hex number", "0x10"},
        {"NaN", "NaN"},
        {"Infinity", "-Infinity"},
        {"truncated literal", "tru"},
        {"capitalised literal", "True"},
        {"unterminated string", R"("abc)"},
        {"raw newline in string", "\"a\nb\""},
        {"raw tab in string", "\"a\tb\""},
        {"unknown escape", R"("\x41")"},
        {"short unicode escape", R"("\u12")"},
        {"lone high surrogate", R"("\ud83d")"},
        {"lone low surrogate", R"("\ude00")"},
        {"high surrogate then text", R"("\ud83dx")"},
        {"invalid UTF-8 byte", "\"\xFF\""},
        {"overlong UTF-8", "\"\xC0\xAF\""},
        {"UTF-8 surrogate", "\"\xED\xA0\x80\""},
        {"UTF-8 above U+10FFFF", "\"\xF4\x90\x80\x80\""},
        {"truncated UTF-8", "\"\xE2\x82\""},
        {"missing colon", R"({"a" 1})"},
        {"missing value", R"({"a":})"},
        {"unclosed array", "[1,2"},
        {"unclosed object", R"({"a":1)"},
        {"NUL after value", std::string("1\0", 2)},
        {"comment", "[1] // no"},
        {"too deep", std::string(513, '[') + std::string(513, ']')},
    };
    for (const auto& row : table) {
        INFO(row.name);
        CHECK_FALSE(parse_json(row.text).has_value());
    }
    // 512 levels are fine.
    CHECK(parse_json(std::string(512, '[') + std::string(512, ']')).has_value());
}

TEST_CASE("numbers keep their kind and never pass through floating point", "[json]") {
    auto value = [](const char* text) { return *parse_json(text); };
    CHECK(value("7").is_number_unsigned());
    CHECK(value("7").is_number_integer());
    CHECK(value("7").get<std::int64_t>() == 7);
    CHECK(value("-7").is_number_integer());
    CHECK_FALSE(value("-7").is_number_unsigned());
    CHECK(value("-7").get<std::int64_t>() == -7);
    CHECK(value("18446744073709551615").get<std::uint64_t>() == UINT64_MAX);
    CHECK(value("-9223372036854775808").get<std::int64_t>() == INT64_MIN);
    // An integer reads as itself in a type that holds it, else as 0: never wrapped.
    CHECK(value("18446744073709551615").fits<std::uint64_t>());
    CHECK_FALSE(value("18446744073709551615").fits<std::int64_t>());
    CHECK(value("18446744073709551615").get<std::int64_t>() == 0);
    CHECK(value("9223372036854775808").get<std::int64_t>() == 0);
    CHECK(value("9223372036854775807").get<std::int64_t>() == INT64_MAX);
    CHECK(value("-1").get<std::uint64_t>() == 0);
    CHECK_FALSE(value("-1").fits<std::uint32_t>());
    CHECK(value("4294967296").get<std::uint32_t>() == 0);
    CHECK(value("4294967295").get<std::uint32_t>() == UINT32_MAX);
    CHECK(value("-129").get<std::int8_t>() == 0);
    CHECK(value("-128").get<std::int8_t>() == -128);
    CHECK_FALSE(value("1.0").fits<std::int64_t>());
    CHECK(paylinks::integer_or(value(R"({"n":18446744073709551615})"), "n", 7) == 7);
    CHECK(Json(value("9223372036854775808")).value("missing", std::int64_t{3}) == 3);
    CHECK(value(R"({"n":9223372036854775808})").value("n", std::int64_t{3}) == 3);
    // Unsigned means not negative, however the integer was made.
    CHECK(Json(std::int64_t{5}).is_number_unsigned());
    CHECK_FALSE(Json(std::int64_t{-5}).is_number_unsigned());
    for (const char* text : {"1.0", "1e2", "0.1", "18446744073709551616", "-9223372036854775809"}) {
        INFO(text);
        CHECK(value(text).is_number_text());
        CHECK_FALSE(value(text).is_number_integer());
        CHECK(value(text).number_source() == text);
    }
    // Integers compare by value across signedness.
    CHECK(value("5") == Json(5));
    CHECK(value("5") == Json(std::uint64_t{5}));
    CHECK(value("-5") != Json(std::uint64_t{5}));
    CHECK(value("1.0") != value("1"));
}

TEST_CASE("braced lists build objects and arrays as documented", "[json]") {
    const Json object{{"id", "pl_1"}, {"n", 2}, {"nested", {{"k", nullptr}}}};
    REQUIRE(object.is_object());
    CHECK(dump_json(object) == R"({"id":"pl_1","n":2,"nested":{"k":null}})");
    const Json array{"a", 1, true};
    CHECK(dump_json(array) == R"(["a",1,true])");
    // A list of pairs is an object unless asked for as an array.
    CHECK(Json{{"a", 1}}.is_object());
    CHECK(dump_json(Json::array({{"a", 1}})) == R"([["a",1]])");
    // A pair where an object cannot be — beside a non-pair, or as a member's value — is the
    // two-element array it is written as.
    CHECK(dump_json(Json{{"a", 1}, "x"}) == R"([["a",1],"x"])");
    CHECK(dump_json(Json{{"a", {"b", 1}}}) == R"({"a":["b",1]})");
    CHECK(dump_json(Json{{"a", {{"b", 1}}}}) == R"({"a":{"b":1}})");
    CHECK(dump_json(Json{1, {"k", "v"}}) == R"([1,["k","v"]])");
    CHECK(dump_json(Json::array()) == "[]");
    CHECK(dump_json(Json::object()) == "{}");
    CHECK(dump_json(Json(std::vector<std::string>{"x", "y"})) == R"(["x","y"])");
    // Copies are deep.
    Json copy = object;
    copy["nested"]["k"] = "v";
    CHECK(object["nested"]["k"].is_null());
    CHECK(copy["nested"]["k"] == "v");
}

TEST_CASE("reading an untrusted value never aborts", "[json]") {
    const Json value = *parse_json(R"({"s":"x","n":3,"a":[1,2],"o":{"k":true}})");
    CHECK(value["missing"].is_null());
    CHECK(value["s"]["deeper"].is_null());
    CHECK(value["a"][7].is_null());
    CHECK(value["n"].get<std::string>().empty());
    CHECK(value["s"].get<std::int64_t>() == 0);
    CHECK(value["s"].get<bool>() == false);
    CHECK(value.value("s", 9) == 9);
    CHECK(value.value("n", 9) == 3);
    CHECK(value.value("n", "fallback") == "fallback");
    CHECK(value.value("s", "fallback") == "x");
    CHECK(value["o"].get_ptr<const std::string*>() == nullptr);
    CHECK(value.find("o")->contains("k"));
    CHECK(value.find("nope") == value.end());
    CHECK(Json(3).find("k") == Json(3).end());
    std::size_t seen = 0;
    for (const auto& [key, member] : value.items())
        seen += key.size() + member.size();
    CHECK(seen == 4 + 1 + 1 + 2 + 1);
    CHECK(Json("text").items().empty());
}

TEST_CASE("mutation follows the container's kind", "[json]") {
    Json value;
    value["a"] = 1;
    value["b"] = "two";
    value["a"] = 3; // replaces in place
    CHECK(dump_json(value) == R"({"a":3,"b":"two"})");
    CHECK(value.emplace("a", 9).second == false);
    CHECK(value.emplace("c", 9).second == true);
    CHECK(value.erase("b") == 1);
    CHECK(value.erase("b") == 0);
    value.update(Json{{"c", 10}, {"d", false}});
    CHECK(dump_json(value) == R"({"a":3,"c":10,"d":false})");

    Json list;
    list.push_back(1);
    list.emplace_back("x");
    list[3] = true; // grows with nulls
    CHECK(dump_json(list) == R"([1,"x",null,true])");
    CHECK(list.erase(1) == 1);
    CHECK(dump_json(list) == R"([1,null,true])");
    const auto moved = list.release_elements();
    CHECK(moved.size() == 3);
    CHECK(list.is_null());
}

TEST_CASE("serialising escapes what JSON requires and repairs invalid UTF-8", "[json]") {
    CHECK(dump_json(Json(std::string("a\"\\\x01\x1F/", 6))) == R"("a\"\\\u0001\u001f/")");
    // Each invalid byte becomes U+FFFD; valid sequences pass through.
    CHECK(dump_json(Json(std::string("\xFF"
                                     "ok\xC3\xA9\xC3",
                                     6))) == "\"\xEF\xBF\xBDok\xC3\xA9\xEF\xBF\xBD\"");
    // Every byte invalid, and escapes beside them: the literal's worst-case growth.
    CHECK(dump_json(Json(std::string("\xFF\xFE\x01\xC0\"", 5))) ==
          "\"\xEF\xBF\xBD\xEF\xBF\xBD\\u0001\xEF\xBF\xBD\\\"\"");
    const auto repaired = parse_json(dump_json(Json(std::string("\xED\xA0\x80", 3))));
    REQUIRE(repaired.has_value());
    CHECK(repaired->get<std::string>() == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("a byte that needs escaping is found at every position of a string", "[json]") {
    // The reader and writer test eight bytes at a time: put each kind of byte at each
    // position of strings up to past two words, and compare with a byte-by-byte escape.
    struct Special {
        std::string bytes;   ///< put into a run of plain letters
        std::string escaped; ///< what the writer must make of them
    };
    const Special specials[] = {
        {"\"", "\\\""},
        {"\\", "\\\\"},
        {"\n", "\\n"},
        {"\x01", "\\u0001"},
        {"\x1f", "\\u001f"},
        {"\x7f", "\x7f"},
        {" ", " "},
        {"/", "/"},
        {"\xC3\xA9", "\xC3\xA9"},
        {"\xFF", "\xEF\xBF\xBD"},
        {"\xE2\x82\xAC", "\xE2\x82\xAC"},
        {"!", "!"},
    };
    int mismatches = 0;
    int round_trip_failures = 0;
    for (const auto& special : specials)
        for (std::size_t length = 0; length <= 20; ++length)
            for (std::size_t at = 0; at <= length; ++at) {
                const std::string before(at, 'a');
                const std::string after(length - at, 'z');
                const std::string text = before + special.bytes + after;
                if (dump_json(Json(text)) != "\"" + before + special.escaped + after + "\"")
                    ++mismatches;
                // Valid input reads back as itself; the invalid byte as U+FFFD.
                const auto back = parse_json(dump_json(Json(text)));
                const std::string expected =
                    before + (special.bytes == "\xFF" ? "\xEF\xBF\xBD" : special.bytes) + after;
                if (!back || back->get<std::string>() != expected) ++round_trip_failures;
            }
    CHECK(mismatches == 0);
    CHECK(round_trip_failures == 0);
}

TEST_CASE("an object written member by member is what the tree would serialise", "[json]") {
    const std::string awkward = "quote \" backslash \\ tab \t control \x01 bad \xFF end";
    const std::optional<std::string> none;
    auto written = paylinks::JsonObjectWriter()
                       .string("s", awkward)
                       .optional_string("o", std::optional<std::string>("x"))
                       .optional_string("n", none)
                       .integer("min", INT64_MIN)
                       .integer("max", INT64_MAX)
                       .optional_integer("oi", std::optional<std::int64_t>(-7))
                       .optional_integer("ni", std::nullopt)
                       .boolean("t", true)
                       .boolean("f", false)
                       .raw("r", R"({"a":[1,2]})")
                       .finish();
    Json tree{{"s", awkward},     {"o", "x"},
              {"n", nullptr},     {"min", INT64_MIN},
              {"max", INT64_MAX}, {"oi", -7},
              {"ni", nullptr},    {"t", true},
              {"f", false},       {"r", {{"a", Json::array({1, 2})}}}};
    CHECK(written == dump_json(tree));
    auto parsed = parse_json(written);
    REQUIRE(parsed);
    CHECK(*parsed == parse_json(dump_json(tree)).value());
    CHECK(paylinks::JsonObjectWriter().finish() == "{}");
    // Member names are literals checked by the compiler (a quote or a control character in
    // one fails the build), and written as they are.
    static_assert(paylinks::JsonKey("fiatAmount").view() == "fiatAmount");
}
