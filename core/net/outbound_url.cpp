#include "core/net/outbound_url.hpp"

#include "core/util/ascii.hpp"

#include <utility>

namespace paylinks::net {
namespace {

using enum UrlRefusal;

struct RefusalRow {
    UrlRefusal refusal;
    std::string_view code;
    std::string_view message;
};

// One row per refusal, in enum order (checked below). The codes are a stable contract.
constexpr std::array kRefusals{
    RefusalRow{too_long, "too_long", "must be at most 2048 characters"},
    RefusalRow{malformed, "malformed", "must be an absolute URL of printable ASCII characters"},
    RefusalRow{scheme_not_allowed, "scheme_not_allowed",
               "must be an https:// URL (http:// only to localhost or 127.0.0.1, with a test "
               "key)"},
    RefusalRow{credentials, "credentials", "must not contain a user name or password"},
    RefusalRow{port_invalid, "port_invalid", "must have a port from 1 to 65535"},
    RefusalRow{host_invalid, "host_invalid",
               "must have a valid host name (internationalised names in their xn-- form) or IP "
               "address"},
    RefusalRow{ipv6_zone_id, "ipv6_zone_id", "must not contain an IPv6 zone identifier"},
    RefusalRow{local_name, "local_name",
               "must not point to a local or internal host name (localhost, .local, .internal, "
               "a name without a dot, ...)"},
    RefusalRow{private_address, "private_address",
               "must not point to a private, loopback or link-local address"},
    RefusalRow{reserved_address, "reserved_address",
               "must not point to a multicast, broadcast, documentation or reserved address"},
    RefusalRow{local_http_live_mode, "local_http_live_mode",
               "may use http://localhost or http://127.0.0.1 only with a test key"},
};

constexpr bool refusals_in_enum_order() {
    for (std::size_t i = 0; i < kRefusals.size(); ++i)
        if (static_cast<std::size_t>(kRefusals[i].refusal) != i) return false;
    return kRefusals.size() == static_cast<std::size_t>(local_http_live_mode) + 1;
}
static_assert(refusals_in_enum_order(), "kRefusals rows must follow UrlRefusal's order");

constexpr bool is_digit(int c) noexcept {
    return c >= '0' && c <= '9';
}
constexpr int hex_value(int c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// ---------------------------------------------------------------------------------------
// IPv4 (WHATWG URL Standard §3.5, "IPv4 number parser", "ends in a number", "IPv4 parser")

constexpr std::uint64_t kTooBig = std::uint64_t{1} << 33; // any part this large fails

/// The IPv4 number parser: decimal, 0x… hexadecimal, 0… octal; nullopt on failure. Values
/// past 2^32 are held at kTooBig, which every caller refuses.
constexpr std::optional<std::uint64_t> parse_ipv4_number(std::string_view input) noexcept {
    if (input.empty()) return std::nullopt;
    unsigned radix = 10;
    if (input.size() >= 2 && input[0] == '0' && (input[1] == 'x' || input[1] == 'X')) {
        input.remove_prefix(2);
        radix = 16;
    } else if (input.size() >= 2 && input[0] == '0') {
        input.remove_prefix(1);
        radix = 8;
    }
    std::uint64_t value = 0;
    for (char c : input) {
        const int digit = hex_value(c);
        if (digit < 0 || static_cast<unsigned>(digit) >= radix) return std::nullopt;
        value = value * radix + static_cast<unsigned>(digit);
        if (value > kTooBig) value = kTooBig;
    }
    return value;
}

/// Splits `host` on '.' into at most `N` parts; answers how many there were (N + 1 when
/// there were more than N).
template<std::size_t N>
constexpr std::size_t split_dots(std::string_view host,
                                 std::array<std::string_view, N>& parts) noexcept {
    std::size_t count = 0;
    while (true) {
        const auto dot = host.find('.');
        if (count == N) return N + 1;
        parts[count++] = host.substr(0, dot);
        if (dot == std::string_view::npos) return count;
        host.remove_prefix(dot + 1);
    }
}

constexpr bool ends_in_a_number(std::string_view host) noexcept {
    // The last label, ignoring one empty label after a final dot.
    if (host.empty()) return false;
    std::string_view last = host;
    if (last.back() == '.') last.remove_suffix(1);
    if (const auto dot = last.rfind('.'); dot != std::string_view::npos)
        last = last.substr(dot + 1);
    if (!last.empty()) {
        bool digits = true;
        for (char c : last)
            digits = digits && is_digit(c);
        if (digits) return true;
    }
    return parse_ipv4_number(last).has_value();
}

constexpr Ipv4Parse ipv4_host(std::string_view host) noexcept {
    using Kind = Ipv4Parse::Kind;
    if (!ends_in_a_number(host)) return {Kind::not_ipv4, 0};
    if (!host.empty() && host.back() == '.') host.remove_suffix(1);
    std::array<std::string_view, 4> parts{};
    const std::size_t count = split_dots(host, parts);
    if (count > 4) return {Kind::invalid, 0};
    std::array<std::uint64_t, 4> numbers{};
    for (std::size_t i = 0; i < count; ++i) {
        const auto number = parse_ipv4_number(parts[i]);
        if (!number) return {Kind::invalid, 0};
        numbers[i] = *number;
    }
    for (std::size_t i = 0; i + 1 < count; ++i)
        if (numbers[i] > 255) return {Kind::invalid, 0};
    const std::uint64_t limit = std::uint64_t{1} << (8 * (5 - count));
    if (numbers[count - 1] >= limit) return {Kind::invalid, 0};
    std::uint64_t address = numbers[count - 1];
    for (std::size_t i = 0; i + 1 < count; ++i)
        address += numbers[i] << (8 * (3 - i));
    return {Kind::address, static_cast<Ipv4>(address)};
}

constexpr bool is_ipv4(std::string_view host, Ipv4 expected) noexcept {
    const auto parsed = ipv4_host(host);
    return parsed.kind == Ipv4Parse::Kind::address && parsed.address == expected;
}
static_assert(is_ipv4("127.0.0.1", 0x7F000001) && is_ipv4("127.1", 0x7F000001) &&
              is_ipv4("2130706433", 0x7F000001) && is_ipv4("0x7f.1", 0x7F000001) &&
              is_ipv4("0177.0.0.1", 0x7F000001) && is_ipv4("127.0.0.1.", 0x7F000001) &&
              is_ipv4("0x", 0) && is_ipv4("169.254.43518", 0xA9FEA9FE));
static_assert(ipv4_host("example.com").kind == Ipv4Parse::Kind::not_ipv4 &&
              ipv4_host("1.2.3.256").kind == Ipv4Parse::Kind::invalid &&
              ipv4_host("1.2.3.4.5").kind == Ipv4Parse::Kind::invalid &&
              ipv4_host("09.1").kind == Ipv4Parse::Kind::invalid &&
              ipv4_host("foo.0x").kind == Ipv4Parse::Kind::invalid &&
              ipv4_host("4294967296").kind == Ipv4Parse::Kind::invalid);

// ---------------------------------------------------------------------------------------
// IPv6 (WHATWG URL Standard §3.5, "IPv6 parser"; the text forms of RFC 4291 §2.2)

constexpr std::optional<Ipv6> ipv6_address(std::string_view input) noexcept {
    std::array<unsigned, 8> pieces{};
    std::size_t piece = 0;
    std::size_t compress = 8; // 8: none
    std::size_t p = 0;
    auto at = [&](std::size_t i) -> int {
        return i < input.size() ? static_cast<unsigned char>(input[i]) : -1;
    };
    if (at(p) == ':') {
        if (at(p + 1) != ':') return std::nullopt;
        p += 2;
        compress = ++piece;
    }
    while (at(p) != -1) {
        if (piece == 8) return std::nullopt;
        if (at(p) == ':') {
            if (compress != 8) return std::nullopt;
            ++p;
            compress = ++piece;
            continue;
        }
        unsigned value = 0;
        std::size_t length = 0;
        while (length < 4 && hex_value(at(p)) >= 0) {
            value = value * 16 + static_cast<unsigned>(hex_value(at(p)));
            ++p;
            ++length;
        }
        if (at(p) == '.') {
            // A dotted IPv4 tail: strictly four decimal parts, no leading zeros.
            if (length == 0) return std::nullopt;
            p -= length;
            if (piece > 6) return std::nullopt;
            int seen = 0;
            while (at(p) != -1) {
                int part = -1;
                if (seen > 0) {
                    if (at(p) != '.' || seen >= 4) return std::nullopt;
                    ++p;
                }
                if (!is_digit(at(p))) return std::nullopt;
                while (is_digit(at(p))) {
                    const int digit = at(p) - '0';
                    if (part == -1)
                        part = digit;
                    else if (part == 0)
                        return std::nullopt;
                    else
                        part = part * 10 + digit;
                    if (part > 255) return std::nullopt;
                    ++p;
                }
                pieces[piece] = pieces[piece] * 0x100 + static_cast<unsigned>(part);
                ++seen;
                if (seen == 2 || seen == 4) ++piece;
            }
            if (seen != 4) return std::nullopt;
            break;
        }
        if (at(p) == ':') {
            ++p;
            if (at(p) == -1) return std::nullopt;
        } else if (at(p) != -1) {
            return std::nullopt;
        }
        pieces[piece++] = value;
    }
    if (compress != 8) {
        std::size_t swaps = piece - compress;
        piece = 7;
        while (piece != 0 && swaps > 0) {
            std::swap(pieces[piece], pieces[compress + swaps - 1]);
            --piece;
            --swaps;
        }
    } else if (piece != 8) {
        return std::nullopt;
    }
    Ipv6 address{};
    for (std::size_t i = 0; i < 8; ++i) {
        address[2 * i] = static_cast<std::uint8_t>(pieces[i] >> 8);
        address[2 * i + 1] = static_cast<std::uint8_t>(pieces[i] & 0xFF);
    }
    return address;
}

static_assert(ipv6_address("::1") == Ipv6{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
static_assert(ipv6_address("::ffff:169.254.169.254") ==
              Ipv6{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 169, 254, 169, 254});
static_assert(ipv6_address("2606:4700::1111") ==
              Ipv6{0x26, 0x06, 0x47, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x11, 0x11});
static_assert(!ipv6_address(":1") && !ipv6_address("1::2::3") && !ipv6_address("1:2:3:4:5:6:7") &&
              !ipv6_address("::ffff:127.0.0.01") && !ipv6_address("::1.2.3") &&
              !ipv6_address("12345::") && !ipv6_address("1:") && !ipv6_address(""));

// ---------------------------------------------------------------------------------------
// Address classes (IANA IPv4 / IPv6 Special-Purpose Address Registries, RFC 6890)

constexpr bool in_v4(Ipv4 address, Ipv4 network, unsigned bits) noexcept {
    return (address >> (32 - bits)) == (network >> (32 - bits));
}

constexpr Ipv4 v4(unsigned a, unsigned b, unsigned c, unsigned d) noexcept {
    return (a << 24) | (b << 16) | (c << 8) | d;
}

constexpr AddressClass classify_v4(Ipv4 a) noexcept {
    using enum AddressClass;
    if (in_v4(a, v4(0, 0, 0, 0), 8)) return unspecified;         // RFC 1122 "this network"
    if (in_v4(a, v4(10, 0, 0, 0), 8)) return private_use;        // RFC 1918
    if (in_v4(a, v4(100, 64, 0, 0), 10)) return shared;          // RFC 6598
    if (in_v4(a, v4(127, 0, 0, 0), 8)) return loopback;          // RFC 1122
    if (in_v4(a, v4(169, 254, 0, 0), 16)) return link_local;     // RFC 3927
    if (in_v4(a, v4(172, 16, 0, 0), 12)) return private_use;     // RFC 1918
    if (in_v4(a, v4(192, 0, 0, 0), 24)) return reserved;         // RFC 6890 protocol assignments
    if (in_v4(a, v4(192, 0, 2, 0), 24)) return documentation;    // RFC 5737 TEST-NET-1
    if (in_v4(a, v4(192, 88, 99, 0), 24)) return reserved;       // RFC 7526 6to4 relays
    if (in_v4(a, v4(192, 168, 0, 0), 16)) return private_use;    // RFC 1918
    if (in_v4(a, v4(198, 18, 0, 0), 15)) return benchmarking;    // RFC 2544
    if (in_v4(a, v4(198, 51, 100, 0), 24)) return documentation; // RFC 5737 TEST-NET-2
    if (in_v4(a, v4(203, 0, 113, 0), 24)) return documentation;  // RFC 5737 TEST-NET-3
    if (in_v4(a, v4(224, 0, 0, 0), 4)) return multicast;         // RFC 5771
    if (a == 0xFFFFFFFF) return broadcast;                       // RFC 919
    if (in_v4(a, v4(240, 0, 0, 0), 4)) return reserved;          // RFC 1112
    return global;
}

constexpr AddressClass classify_v6(const Ipv6& a) noexcept {
    using enum AddressClass;
    std::array<unsigned, 8> p{};
    for (std::size_t i = 0; i < 8; ++i)
        p[i] = (unsigned{a[2 * i]} << 8) | a[2 * i + 1];
    auto zero = [&](std::size_t from, std::size_t to) {
        for (std::size_t i = from; i < to; ++i)
            if (p[i] != 0) return false;
        return true;
    };
    const Ipv4 low = (p[6] << 16) | p[7];
    if (zero(0, 8)) return unspecified;                        // ::/128
    if (zero(0, 7) && p[7] == 1) return loopback;              // ::1/128
    if (zero(0, 5) && p[5] == 0xFFFF) return classify_v4(low); // ::ffff:0:0/96 (RFC 4291)
    if (zero(0, 4) && p[4] == 0xFFFF && p[5] == 0) return classify_v4(low); // RFC 2765
    if (zero(0, 6)) {
        // IPv4-compatible (RFC 4291 §2.5.5.1, deprecated): refused even when what it carries
        // is public, but named by what it carries.
        const auto carried = classify_v4(low);
        return carried == global ? reserved : carried;
    }
    if (p[0] == 0x64 && p[1] == 0xFF9B && zero(2, 6)) return classify_v4(low); // RFC 6052
    if (p[0] == 0x64 && p[1] == 0xFF9B && p[2] == 1) return private_use;       // RFC 8215
    if (p[0] == 0x100 && zero(1, 4)) return reserved;                          // RFC 6666
    if (p[0] == 0x2001 && p[1] == 0xDB8) return documentation;                 // RFC 3849
    if (p[0] == 0x2001 && p[1] == 0x2 && p[2] == 0) return benchmarking;       // RFC 5180
    if (p[0] == 0x2001 && p[1] < 0x200) return reserved;         // 2001::/23, Teredo among them
    if (p[0] == 0x2002) return classify_v4((p[1] << 16) | p[2]); // 6to4 (RFC 3056)
    if (p[0] == 0x3FFF && p[1] < 0x1000) return documentation;   // RFC 9637
    if (p[0] == 0x5F00) return reserved;                         // RFC 9602 SRv6 SIDs
    if ((p[0] & 0xFE00) == 0xFC00) return private_use;           // RFC 4193 unique local
    if ((p[0] & 0xFFC0) == 0xFE80) return link_local;            // RFC 4291
    if ((p[0] & 0xFFC0) == 0xFEC0) return private_use;           // RFC 3879 site-local
    if ((p[0] & 0xFF00) == 0xFF00) return multicast;             // RFC 4291
    if ((p[0] & 0xE000) != 0x2000) return reserved;              // outside 2000::/3: unassigned
    return global;
}

static_assert(classify_v4(v4(169, 254, 169, 254)) == AddressClass::link_local &&
              classify_v4(v4(93, 184, 216, 34)) == AddressClass::global &&
              classify_v4(v4(172, 32, 0, 1)) == AddressClass::global &&
              classify_v4(v4(100, 128, 0, 1)) == AddressClass::global);

constexpr std::optional<UrlRefusal> refusal_for(AddressClass c) noexcept {
    switch (c) {
    case AddressClass::global:
        return std::nullopt;
    case AddressClass::unspecified:
    case AddressClass::loopback:
    case AddressClass::private_use:
    case AddressClass::shared:
    case AddressClass::link_local:
        return private_address;
    case AddressClass::multicast:
    case AddressClass::broadcast:
    case AddressClass::documentation:
    case AddressClass::benchmarking:
    case AddressClass::reserved:
        return reserved_address;
    }
    return reserved_address;
}

// ---------------------------------------------------------------------------------------
// Hosts and URLs

// Top-level names that only resolve inside a network: RFC 6761 §6.3 (localhost), RFC 6762
// (local; Appendix G: intranet, internal, private, corp, home, lan), ICANN's reservation of
// .internal for private use (2024), the common localdomain, and arpa (RFC 8375's home.arpa,
// reverse-lookup and ipv4only names; none of them a web host).
constexpr std::array<std::string_view, 11> kLocalTopLevel = {
    "localhost", "local", "internal", "localdomain", "intranet", "private",
    "corp",      "home",  "lan",      "arpa",        "localnet"};

constexpr bool is_local_domain(std::string_view name) noexcept {
    const auto dot = name.rfind('.');
    if (dot == std::string_view::npos) return true; // a single label: resolved by search lists
    const auto top = name.substr(dot + 1);
    for (auto local : kLocalTopLevel)
        if (top == local) return true;
    return false;
}

constexpr bool is_host_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-' || c == '.' || c == '_';
}

constexpr bool labels_are_valid(std::string_view name) noexcept {
    while (true) {
        const auto dot = name.find('.');
        const auto label = name.substr(0, dot);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
            return false;
        if (dot == std::string_view::npos) return true;
        name.remove_prefix(dot + 1);
    }
}

/// The host parser of the WHATWG URL Standard, for the special schemes, narrowed: only
/// ASCII names (UTS #46 mapping would turn some non-ASCII text into ASCII digits and dots,
/// so non-ASCII is refused rather than guessed at), and RFC 1123 labels.
constexpr std::variant<Host, UrlRefusal> parse_host(std::string_view text) noexcept {
    Host host;
    if (text.empty()) return host_invalid;
    if (text.front() == '[') {
        if (text.size() < 2 || text.back() != ']') return host_invalid;
        const auto inner = text.substr(1, text.size() - 2);
        if (inner.find('%') != std::string_view::npos) return ipv6_zone_id;
        const auto address = ipv6_address(inner);
        if (!address) return host_invalid;
        host.kind = Host::Kind::ipv6;
        host.ipv6 = *address;
        return host;
    }
    // Percent-decode (a '%' not followed by two hex digits stays, and is then refused), and
    // lower-case ASCII as domain-to-ASCII does.
    std::array<char, kMaxHostLength + 1> decoded{};
    std::size_t size = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        int byte = static_cast<unsigned char>(text[i]);
        if (byte == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
            hex_value(text[i + 2]) >= 0) {
            byte = hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]);
            i += 2;
        }
        if (byte >= 'A' && byte <= 'Z') byte += 'a' - 'A';
        if (size == decoded.size() || byte >= 0x80 || !is_host_char(static_cast<char>(byte)))
            return host_invalid;
        decoded[size++] = static_cast<char>(byte);
    }
    const std::string_view name(decoded.data(), size);
    const auto ipv4 = ipv4_host(name);
    if (ipv4.kind == Ipv4Parse::Kind::invalid) return host_invalid;
    if (ipv4.kind == Ipv4Parse::Kind::address) {
        host.kind = Host::Kind::ipv4;
        host.ipv4 = ipv4.address;
        return host;
    }
    auto domain = name;
    if (domain.back() == '.') domain.remove_suffix(1); // one final dot names the same host
    if (domain.empty() || domain.size() > kMaxHostLength || !labels_are_valid(domain))
        return host_invalid;
    for (std::size_t i = 0; i < domain.size(); ++i)
        host.name[i] = domain[i];
    host.name_size = static_cast<std::uint8_t>(domain.size());
    return host;
}

constexpr bool is_scheme_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '+' ||
           c == '-' || c == '.';
}

constexpr std::variant<ParsedUrl, UrlRefusal> parse_url(std::string_view url) noexcept {
    if (url.size() > kMaxUrlLength) return too_long;
    for (char ch : url) {
        const auto c = static_cast<unsigned char>(ch);
        // Controls, space and non-ASCII (which fetch would strip, skip or map), the backslash
        // (which WHATWG reads as '/' in these schemes) and characters a URL never holds raw.
        if (c <= 0x20 || c >= 0x7F || c == '\\' || c == '"' || c == '<' || c == '>')
            return malformed;
    }
    ParsedUrl parsed;
    std::string_view rest;
    if (starts_with_ci(url, "https://")) {
        rest = url.substr(8);
    } else if (starts_with_ci(url, "http://")) {
        rest = url.substr(7);
        parsed.https = false;
    } else {
        // Some other scheme (javascript:, ftp:, or https: without its two slashes).
        const auto colon = url.find(':');
        if (colon == std::string_view::npos || colon == 0) return malformed;
        for (char c : url.substr(0, colon))
            if (!is_scheme_char(c)) return malformed;
        if (starts_with_ci(url, "https:") || starts_with_ci(url, "http:")) return malformed;
        return scheme_not_allowed;
    }
    const auto authority = rest.substr(0, rest.find_first_of("/?#"));
    if (authority.find('@') != std::string_view::npos) return credentials;
    std::string_view host_text = authority;
    std::string_view port_text;
    bool has_port = false;
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return host_invalid;
        host_text = authority.substr(0, close + 1);
        const auto after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return host_invalid;
            port_text = after.substr(1);
            has_port = true;
        }
    } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
        host_text = authority.substr(0, colon);
        port_text = authority.substr(colon + 1);
        has_port = true;
    }
    if (has_port) {
        if (port_text.empty() || port_text.size() > 5) return port_invalid;
        unsigned value = 0;
        for (char c : port_text) {
            if (!is_digit(c)) return port_invalid;
            value = value * 10 + static_cast<unsigned>(c - '0');
        }
        if (value == 0 || value > 65535) return port_invalid;
        parsed.port = static_cast<std::uint16_t>(value);
    }
    auto host = parse_host(host_text);
    if (auto* refusal = std::get_if<UrlRefusal>(&host)) return *refusal;
    parsed.host = std::get<Host>(host);
    parsed.host_text = host_text;
    return parsed;
}

constexpr bool equals_ci(std::string_view text, std::string_view lower) noexcept {
    return text.size() == lower.size() && starts_with_ci(text, lower);
}

constexpr bool local_http_exception(const ParsedUrl& url) noexcept {
    return !url.https && (equals_ci(url.host_text, "localhost") || url.host_text == "127.0.0.1");
}

constexpr std::optional<UrlRefusal> check_url(std::string_view url,
                                              bool allow_local_http) noexcept {
    auto parsed_or_refusal = parse_url(url);
    if (auto* refusal = std::get_if<UrlRefusal>(&parsed_or_refusal)) return *refusal;
    const auto& parsed = std::get<ParsedUrl>(parsed_or_refusal);
    if (!parsed.https) {
        if (!local_http_exception(parsed)) return scheme_not_allowed;
        if (!allow_local_http) return local_http_live_mode;
        return std::nullopt;
    }
    switch (parsed.host.kind) {
    case Host::Kind::domain:
        if (is_local_domain(parsed.host.domain())) return local_name;
        return std::nullopt;
    case Host::Kind::ipv4:
        return refusal_for(classify_v4(parsed.host.ipv4));
    case Host::Kind::ipv6:
        return refusal_for(classify_v6(parsed.host.ipv6));
    }
    return host_invalid;
}

static_assert(check_url("https://0x7f.1/", false) == private_address);
static_assert(check_url("https://[::ffff:a9fe:a9fe]/", false) == private_address);
static_assert(check_url("https://hooks.example.com/x", false) == std::nullopt);
static_assert(check_url("http://localhost:8080/x", true) == std::nullopt);
static_assert(check_url("http://localhost:8080/x", false) == local_http_live_mode);

} // namespace

std::string_view refusal_code(UrlRefusal refusal) noexcept {
    return kRefusals[static_cast<std::size_t>(refusal)].code;
}

std::string_view refusal_message(UrlRefusal refusal) noexcept {
    return kRefusals[static_cast<std::size_t>(refusal)].message;
}

AddressClass classify(Ipv4 address) noexcept {
    return classify_v4(address);
}

AddressClass classify(const Ipv6& address) noexcept {
    return classify_v6(address);
}

Ipv4Parse parse_ipv4_host(std::string_view host) noexcept {
    return ipv4_host(host);
}

std::optional<Ipv6> parse_ipv6(std::string_view text) noexcept {
    return ipv6_address(text);
}

std::variant<ParsedUrl, UrlRefusal> parse_http_url(std::string_view url) noexcept {
    return parse_url(url);
}

std::optional<UrlRefusal> check_outbound_url(std::string_view url, bool allow_local_http) noexcept {
    return check_url(url, allow_local_http);
}

bool is_local_http_exception(const ParsedUrl& url) noexcept {
    return local_http_exception(url);
}

} // namespace paylinks::net
