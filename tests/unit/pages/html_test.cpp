#include "core/pages/html.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace paylinks::pages;

TEST_CASE("escape_html escapes the five significant characters and nothing else", "[pages]") {
    struct Case {
        std::string_view text;
        std::string_view escaped;
    };
    const Case cases[] = {
        {"", ""},
        {"plain text 123", "plain text 123"},
        {"a & b", "a &amp; b"},
        {"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
        {"\"><img src=x onerror=alert(1)>", "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"},
        {"'><svg onload=alert(1)>", "&#39;&gt;&lt;svg onload=alert(1)&gt;"},
        {"&lt;already&gt;", "&amp;lt;already&amp;gt;"},
        {"`backtick` = ok", "`backtick` = ok"},
        {"caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x92\xb8",
         "caf\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x92\xb8"}, // UTF-8 untouched
        {std::string_view("nul\0byte", 8), std::string_view("nul\0byte", 8)},
    };
    for (const auto& c : cases) {
        INFO(c.text);
        CHECK(escape_html(c.text) == c.escaped);
        std::string out = "prefix:";
        append_escaped(out, c.text);
        CHECK(out == "prefix:" + std::string(c.escaped));
    }
}

TEST_CASE("is_http_url accepts only absolute http(s) URLs with a host", "[pages]") {
    struct Case {
        std::string_view url;
        bool ok;
    };
    const Case cases[] = {
        {"https://merchant.example/thanks", true},
        {"https://merchant.example/thanks?order=42&x=\"y\"", true}, // escaped when written
        {"http://localhost:3000/cancel", true},
        {"HTTPS://MERCHANT.EXAMPLE", true},
        {"https://", false},
        {"https:///path", false},
        {"https:merchant.example", false},
        {"//merchant.example/", false},
        {"/relative", false},
        {"javascript:alert(1)", false},
        {"JavaScript:alert(1)//https://", false},
        {"data:text/html,<script>alert(1)</script>", false},
        {"ftp://merchant.example/", false},
        {" https://merchant.example/", false},
        {"https://merchant.example/ spaced", false},
        {"https://merchant.example/\nx", false},
        {"https://merchant.example/\x7f", false},
        {"https:\\\\evil.example", false},
        {"", false},
    };
    for (const auto& c : cases) {
        INFO(c.url);
        CHECK(is_http_url(c.url) == c.ok);
    }
}
