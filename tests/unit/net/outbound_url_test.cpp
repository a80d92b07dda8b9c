#include "core/net/outbound_url.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <set>
#include <string>

using paylinks::net::AddressClass;
using paylinks::net::Ipv4Parse;
using paylinks::net::Ipv6;
using paylinks::net::UrlRefusal;

namespace {

constexpr bool kTestKey = true;
constexpr bool kLiveKey = false;

std::string name_of(std::optional<UrlRefusal> refusal) {
    return refusal ? std::string(paylinks::net::refusal_code(*refusal)) : "accepted";
}

} // namespace

TEST_CASE("outbound URLs are refused unless they stay on the public internet", "[outbound_url]") {
    using enum UrlRefusal;
    struct Row {
        std::string url;
        bool allow_local_http;
        std::optional<UrlRefusal> expected;
    };
    const std::string long_url = "https://hooks.example.com/" + std::string(2048, 'a');
    const std::vector<Row> rows = {
        // Cloud metadata and RFC 1918, in every IPv4 spelling the WHATWG parser accepts.
        {"https://169.254.169.254/", kLiveKey, private_address},
        {"https://169.254.169.254/latest/meta-data/", kTestKey, private_address},
        {"https://169.254.43518/", kLiveKey, private_address},
        {"https://0xa9fea9fe/", kLiveKey, private_address},
        {"https://2852039166/", kLiveKey, private_address},
        {"https://0251.0376.0251.0376/", kLiveKey, private_address},
        {"https://10.0.0.5/", kLiveKey, private_address},
        {"https://10.1/", kLiveKey, private_address},
        {"https://172.16.0.1/", kLiveKey, private_address},
        {"https://172.31.255.255/", kLiveKey, private_address},
        {"https://192.168.1.1:8443/x", kLiveKey, private_address},
        {"https://127.0.0.1/", kLiveKey, private_address},
        {"https://127.0.0.1/", kTestKey, private_address},
        {"https://127.1/", kLiveKey, private_address},
        {"https://2130706433/", kLiveKey, private_address},
        {"https://0x7f.1/", kLiveKey, private_address},
        {"https://0X7F000001/", kLiveKey, private_address},
        {"https://0177.0.0.1/", kLiveKey, private_address},
        {"https://0177.1/", kLiveKey, private_address},
        {"https://127.0.0.1./", kLiveKey, private_address},
        {"https://%31%32%37.0.0.1/", kLiveKey, private_address},
        {"https://127%2E0%2E0%2E1/", kLiveKey, private_address},
        {"https://0.0.0.0/", kLiveKey, private_address},
        {"https://0/", kLiveKey, private_address},
        {"https://100.64.0.1/", kLiveKey, private_address},
        {"https://100.127.255.254/", kLiveKey, private_address},
        // Broadcast, multicast, reserved, benchmarking, documentation.
        {"https://255.255.255.255/", kLiveKey, reserved_address},
        {"https://0xffffffff/", kLiveKey, reserved_address},
        {"https://224.0.0.1/", kLiveKey, reserved_address},
        {"https://239.255.255.250/", kLiveKey, reserved_address},
        {"https://240.0.0.1/", kLiveKey, reserved_address},
        {"https://198.18.0.1/", kLiveKey, reserved_address},
        {"https://198.19.255.1/", kLiveKey, reserved_address},
        {"https://192.0.2.1/", kLiveKey, reserved_address},
        {"https://198.51.100.7/", kLiveKey, reserved_address},
        {"https://203.0.113.9/", kLiveKey, reserved_address},
        {"https://192.0.0.170/", kLiveKey, reserved_address},
        // IPv6 literals, with the IPv4 addresses some of them carry.
        {"https://[::1]/", kLiveKey, private_address},
        {"https://[0:0:0:0:0:0:0:1]:8443/", kLiveKey, private_address},
        {"https://[::]/", kLiveKey, private_address},
        {"https://[::ffff:a9fe:a9fe]/", kLiveKey, private_address},
        {"https://[::ffff:169.254.169.254]/", kLiveKey, private_address},
        {"https://[::ffff:7f00:1]/", kLiveKey, private_address},
        {"https://[::FFFF:127.0.0.1]/", kLiveKey, private_address},
        {"https://[::ffff:0:10.1.2.3]/", kLiveKey, private_address},
        {"https://[::127.0.0.1]/", kLiveKey, private_address},
        {"https://[::8.8.8.8]/", kLiveKey, reserved_address},
        {"https://[fc00::1]/", kLiveKey, private_address},
        {"https://[fd12:3456:789a::1]/", kLiveKey, private_address},
        {"https://[fe80::1]/", kLiveKey, private_address},
        {"https://[FEBF::abcd]/", kLiveKey, private_address},
        {"https://[fec0::1]/", kLiveKey, private_address},
        {"https://[ff02::1]/", kLiveKey, reserved_address},
        {"https://[64:ff9b::10.0.0.1]/", kLiveKey, private_address},
        {"https://[64:ff9b::a9fe:a9fe]/", kLiveKey, private_address},
        {"https://[64:ff9b:1::1]/", kLiveKey, private_address},
        {"https://[2002:7f00:1::]/", kLiveKey, private_address},
        {"https://[2002:c0a8:101::1]/", kLiveKey, private_address},
        {"https://[2001:db8::1]/", kLiveKey, reserved_address},
        {"https://[2001:0:4136:e378::1]/", kLiveKey, reserved_address},
        {"https://[100::1]/", kLiveKey, reserved_address},
        {"https://[4000::1]/", kLiveKey, reserved_address},
        {"https://[fe80::1%25eth0]/", kLiveKey, ipv6_zone_id},
        {"https://[fe80::1%eth0]/", kLiveKey, ipv6_zone_id},
        // Names that resolve only inside a network.
        {"https://localhost/", kLiveKey, local_name},
        {"https://localhost/", kTestKey, local_name},
        {"https://localhost./", kLiveKey, local_name},
        {"https://LocalHost:8443/", kLiveKey, local_name},
        {"https://api.localhost/", kLiveKey, local_name},
        {"https://loc%61lhost/", kLiveKey, local_name},
        {"https://foo.internal/", kLiveKey, local_name},
        {"https://metadata.google.internal/computeMetadata/v1/", kLiveKey, local_name},
        {"https://printer.local/", kLiveKey, local_name},
        {"https://nas.localdomain/", kLiveKey, local_name},
        {"https://router.home.arpa/", kLiveKey, local_name},
        {"https://wiki.corp/", kLiveKey, local_name},
        {"https://metadata/", kLiveKey, local_name},
        // Credentials, schemes, shapes.
        {"https://user:pass@hooks.example.com/", kLiveKey, credentials},
        {"https://user@hooks.example.com/", kLiveKey, credentials},
        {"https://hooks.example.com@169.254.169.254/", kLiveKey, credentials},
        {"http://hooks.example.com/", kLiveKey, scheme_not_allowed},
        {"http://hooks.example.com/", kTestKey, scheme_not_allowed},
        {"ftp://hooks.example.com/", kLiveKey, scheme_not_allowed},
        {"javascript:alert(1)", kLiveKey, scheme_not_allowed},
        {"/hooks", kLiveKey, malformed},
        {"//hooks.example.com/x", kLiveKey, malformed},
        {"https:hooks.example.com", kLiveKey, malformed},
        {"https://hooks.example.com\\@169.254.169.254/", kLiveKey, malformed},
        {"https://hooks example.com/", kLiveKey, malformed},
        {" https://hooks.example.com/", kLiveKey, malformed},
        {"https://hooks.example.com/\tx", kLiveKey, malformed},
        {"https:///169.254.169.254/", kLiveKey, host_invalid},
        {"https://", kLiveKey, host_invalid},
        {"https://hooks.example.com:0/", kLiveKey, port_invalid},
        {"https://hooks.example.com:99999/", kLiveKey, port_invalid},
        {"https://hooks.example.com:/", kLiveKey, port_invalid},
        {"https://hooks.example.com:44a/", kLiveKey, port_invalid},
        {"https://1.2.3.256/", kLiveKey, host_invalid},
        {"https://1.2.3.4.5/", kLiveKey, host_invalid},
        {"https://4294967296/", kLiveKey, host_invalid},
        {"https://1.2.3.09/", kLiveKey, host_invalid},
        {"https://example.0x/", kLiveKey, host_invalid},
        {"https://example.123/", kLiveKey, host_invalid},
        {"https://[::1/", kLiveKey, host_invalid},
        {"https://[1::2::3]/", kLiveKey, host_invalid},
        {"https://[::1]x/", kLiveKey, host_invalid},
        {"https://[::ffff:127.0.0.01]/", kLiveKey, host_invalid},
        {"https://exa%mple.com/", kLiveKey, host_invalid},
        {"https://%ef%bc%91%ef%bc%92%ef%bc%97.0.0.1/", kLiveKey, host_invalid}, // fullwidth 127
        {"https://hooks..example.com/", kLiveKey, host_invalid},
        {"https://-hooks.example.com/", kLiveKey, host_invalid},
        {"https://hooks.example.com%2f.evil/", kLiveKey, host_invalid},
        {long_url, kLiveKey, too_long},
        // The test-key exception: exactly http://localhost[:port] and http://127.0.0.1[:port].
        {"http://localhost:8080/hooks", kTestKey, std::nullopt},
        {"http://localhost/hooks", kTestKey, std::nullopt},
        {"http://LOCALHOST:3000", kTestKey, std::nullopt},
        {"http://127.0.0.1:3000/hooks?x=1", kTestKey, std::nullopt},
        {"http://localhost:8080/hooks", kLiveKey, local_http_live_mode},
        {"http://127.0.0.1/", kLiveKey, local_http_live_mode},
        {"http://127.1/", kTestKey, scheme_not_allowed},
        {"http://2130706433/", kTestKey, scheme_not_allowed},
        {"http://[::1]:8080/", kTestKey, scheme_not_allowed},
        {"http://localhost./", kTestKey, scheme_not_allowed},
        {"http://localhost.evil.example/", kTestKey, scheme_not_allowed},
        {"http://10.0.0.5/", kTestKey, scheme_not_allowed},
        // Ordinary public hosts.
        {"https://hooks.example.com/x", kLiveKey, std::nullopt},
        {"https://hooks.example.com/x", kTestKey, std::nullopt},
        {"https://HOOKS.Example.COM:8443/path?q=1#frag", kLiveKey, std::nullopt},
        {"https://hooks.example.com./x", kLiveKey, std::nullopt},
        {"https://my_hooks.example.com/", kLiveKey, std::nullopt},
        {"https://xn--bcher-kva.example/", kLiveKey, std::nullopt},
        {"https://93.184.216.34/", kLiveKey, std::nullopt},
        {"https://8.8.8.8:443/", kLiveKey, std::nullopt},
        {"https://1.1.1.1", kLiveKey, std::nullopt},
        {"https://172.32.0.1/", kLiveKey, std::nullopt},
        {"https://100.128.0.1/", kLiveKey, std::nullopt},
        {"https://[2606:4700::1111]/", kLiveKey, std::nullopt},
        {"https://[2606:4700:4700::1111]:443/dns-query", kLiveKey, std::nullopt},
        {"https://[::ffff:93.184.216.34]/", kLiveKey, std::nullopt},
        {"https://[64:ff9b::93.184.216.34]/", kLiveKey, std::nullopt},
        {"https://[2002:5db8:d822::1]/", kLiveKey, std::nullopt},
        {"https://[2001:4860:4860::8888]/", kLiveKey, std::nullopt},
    };
    REQUIRE(rows.size() >= 40);
    for (const auto& row : rows) {
        INFO(row.url.substr(0, 80) << (row.allow_local_http ? " (test key)" : " (live key)"));
        CHECK(name_of(paylinks::net::check_outbound_url(row.url, row.allow_local_http)) ==
              name_of(row.expected));
    }
}

TEST_CASE("hosts ending in a number are read as IPv4 the way the WHATWG parser reads them",
          "[outbound_url]") {
    using Kind = Ipv4Parse::Kind;
    struct Row {
        const char* host;
        Kind kind;
        std::uint32_t address;
    };
    for (const auto& row : {
             Row{"127.0.0.1", Kind::address, 0x7F000001},
             Row{"127.1", Kind::address, 0x7F000001},
             Row{"127.0.1", Kind::address, 0x7F000001},
             Row{"2130706433", Kind::address, 0x7F000001},
             Row{"0x7f.1", Kind::address, 0x7F000001},
             Row{"0x7f.0x0.0x0.0x1", Kind::address, 0x7F000001},
             Row{"0177.0.0.1", Kind::address, 0x7F000001},
             Row{"127.0.0.1.", Kind::address, 0x7F000001},
             Row{"0x", Kind::address, 0},
             Row{"0", Kind::address, 0},
             Row{"00", Kind::address, 0},
             Row{"255.255.255.255", Kind::address, 0xFFFFFFFF},
             Row{"1.16777215", Kind::address, 0x01FFFFFF},
             Row{"example.com", Kind::not_ipv4, 0},
             Row{"example.com.", Kind::not_ipv4, 0},
             Row{"0x7g.1", Kind::invalid, 0},  // ends in a number, first part is not one
             Row{"cafe", Kind::not_ipv4, 0},   // hex digits without 0x are a name
             Row{"1.256.1", Kind::invalid, 0}, // only the last part may pass 255
             Row{"1.2.65536", Kind::invalid, 0},
             Row{"08", Kind::invalid, 0}, // octal has no 8
             Row{"1..1", Kind::invalid, 0},
             Row{"99999999999999999999999", Kind::invalid, 0},
             Row{"a.b.c.d.1", Kind::invalid, 0},
         }) {
        INFO(row.host);
        const auto parsed = paylinks::net::parse_ipv4_host(row.host);
        CHECK(parsed.kind == row.kind);
        if (row.kind == Kind::address) CHECK(parsed.address == row.address);
    }
}

TEST_CASE("IPv6 literals are read as the WHATWG parser reads them", "[outbound_url]") {
    struct Row {
        const char* text;
        std::optional<Ipv6> expected;
    };
    const Ipv6 loopback{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    const Ipv6 mapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0x7F, 0, 0, 1};
    const Ipv6 full{0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6};
    for (const auto& row : {
             Row{"::1", loopback},
             Row{"0:0:0:0:0:0:0:1", loopback},
             Row{"0000:0000::0001", loopback},
             Row{"::ffff:7f00:1", mapped},
             Row{"::ffff:127.0.0.1", mapped},
             Row{"::FFFF:7F00:0001", mapped},
             Row{"2001:db8:1:2:3:4:5:6", full},
             Row{"2001:db8:1:2:3:4:0.5.0.6", full},
             Row{"", std::nullopt},
             Row{":", std::nullopt},
             Row{":::", std::nullopt},
             Row{"1:2:3:4:5:6:7:8:9", std::nullopt},
             Row{"1:2:3:4:5:6:7", std::nullopt},
             Row{"::1:", std::nullopt},
             Row{"::12345", std::nullopt},
             Row{"::1.2.3.4.5", std::nullopt},
             Row{"::1.2.3", std::nullopt},
             Row{"::1.2.3.256", std::nullopt},
             Row{"::1.2.3.04", std::nullopt},
             Row{"1:2:3:4:5:6:7:1.2.3.4", std::nullopt},
             Row{"g::1", std::nullopt},
         }) {
        INFO(row.text);
        const auto parsed = paylinks::net::parse_ipv6(row.text);
        CHECK(parsed.has_value() == row.expected.has_value());
        if (parsed && row.expected) CHECK(*parsed == *row.expected);
    }
}

TEST_CASE("address classes follow the special-purpose registries", "[outbound_url]") {
    using enum AddressClass;
    auto v4 = [](unsigned a, unsigned b, unsigned c, unsigned d) {
        return static_cast<std::uint32_t>((a << 24) | (b << 16) | (c << 8) | d);
    };
    struct Row {
        std::uint32_t address;
        AddressClass expected;
    };
    for (const auto& row : {
             Row{v4(0, 1, 2, 3), unspecified},
             Row{v4(10, 255, 0, 1), private_use},
             Row{v4(100, 63, 255, 255), global},
             Row{v4(100, 64, 0, 0), shared},
             Row{v4(127, 255, 255, 255), loopback},
             Row{v4(169, 254, 169, 254), link_local},
             Row{v4(172, 15, 255, 255), global},
             Row{v4(172, 16, 0, 0), private_use},
             Row{v4(192, 0, 2, 255), documentation},
             Row{v4(192, 168, 0, 1), private_use},
             Row{v4(198, 17, 255, 255), global},
             Row{v4(198, 18, 0, 0), benchmarking},
             Row{v4(224, 0, 0, 0), multicast},
             Row{v4(239, 255, 255, 255), multicast},
             Row{v4(240, 0, 0, 0), reserved},
             Row{v4(255, 255, 255, 254), reserved},
             Row{v4(255, 255, 255, 255), broadcast},
             Row{v4(223, 255, 255, 255), global},
         }) {
        INFO(row.address);
        CHECK(paylinks::net::classify(row.address) == row.expected);
    }
}

TEST_CASE("refusal codes are distinct stable strings with a message each", "[outbound_url]") {
    using enum UrlRefusal;
    std::set<std::string_view> codes;
    for (auto refusal :
         {too_long, malformed, scheme_not_allowed, credentials, port_invalid, host_invalid,
          ipv6_zone_id, local_name, private_address, reserved_address, local_http_live_mode}) {
        CHECK(codes.insert(paylinks::net::refusal_code(refusal)).second);
        CHECK_FALSE(paylinks::net::refusal_message(refusal).empty());
    }
    CHECK(paylinks::net::refusal_code(private_address) == "private_address");
    CHECK(paylinks::net::refusal_message(private_address) ==
          "must not point to a private, loopback or link-local address");
}

TEST_CASE("the URL parser reports the host as written and as fetch() reads it", "[outbound_url]") {
    auto parsed = paylinks::net::parse_http_url("https://Loc%61lHost.:8443/x");
    REQUIRE(std::holds_alternative<paylinks::net::ParsedUrl>(parsed));
    const auto& url = std::get<paylinks::net::ParsedUrl>(parsed);
    CHECK(url.https);
    CHECK(url.port == 8443);
    CHECK(url.host_text == "Loc%61lHost.");
    CHECK(url.host.kind == paylinks::net::Host::Kind::domain);
    CHECK(url.host.domain() == "localhost");

    auto mapped = paylinks::net::parse_http_url("http://[::ffff:169.254.169.254]");
    REQUIRE(std::holds_alternative<paylinks::net::ParsedUrl>(mapped));
    const auto& host = std::get<paylinks::net::ParsedUrl>(mapped).host;
    CHECK(host.kind == paylinks::net::Host::Kind::ipv6);
    CHECK(paylinks::net::classify(host.ipv6) == AddressClass::link_local);
}
