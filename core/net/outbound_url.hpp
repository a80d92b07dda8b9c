#pragma once
// URLs the worker itself will fetch (webhook endpoints), checked so that a delivery stays on
// the public internet.
//
// The host is read the way the WHATWG URL Standard's host parser reads it (and so the way the
// runtime's fetch() will): percent-decoded, ASCII lower-cased, a name that ends in a number
// parsed as IPv4 with every shorthand that parser accepts (`127.1`, `2130706433`, `0x7f.1`,
// `0177.0.0.1`, a trailing dot), and `[…]` parsed as an IPv6 address, the dotted IPv4 tail
// included. The address is then judged by the IANA special-purpose address registries
// (RFC 6890): loopback, private, link-local, shared, multicast, documentation and the rest
// are refused, and so are the IPv6 forms that carry an IPv4 address inside (IPv4-mapped and
// -compatible, RFC 4291 §2.5.5; NAT64, RFC 6052; 6to4, RFC 3056) when what they carry is not
// public. Names that only resolve inside a network (`localhost`, RFC 6761 §6.3; `.local`,
// RFC 6762; `.home.arpa`, RFC 8375; `.internal`; the private top-level names RFC 6762
// Appendix G lists; names of a single label) are refused as well.
//
// This is a check of the text. A public name may still resolve to a private address (DNS
// rebinding, wildcard DNS services); stopping that needs the resolver, which the core does
// not have. The shim sends webhooks with `redirect: "manual"`, so a checked URL cannot be
// bounced elsewhere by a 3xx.
//
// Everything here is pure, allocation-free and total: any input gets an answer.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <variant>

namespace paylinks::net {

/// Why a URL is refused. Each has a stable snake_case string (refusal_code) and an
/// explanation to follow the parameter's name in an API message (refusal_message).
enum class UrlRefusal : std::uint8_t {
    too_long,             ///< over kMaxUrlLength characters
    malformed,            ///< not an absolute http(s) URL of printable ASCII
    scheme_not_allowed,   ///< not https://, and not the test-key http://localhost exception
    credentials,          ///< user name or password before the host
    port_invalid,         ///< empty, not digits, 0 or above 65535
    host_invalid,         ///< empty, bad characters or labels, or an IPv4/IPv6 form that fails
    ipv6_zone_id,         ///< `[fe80::1%eth0]`: zone identifiers (RFC 6874) are refused
    local_name,           ///< localhost, .local, .internal, .localdomain, .home.arpa, …
    private_address,      ///< loopback, RFC 1918, link-local, shared (CGNAT), unspecified, ULA
    reserved_address,     ///< multicast, broadcast, documentation, benchmarking, reserved
    local_http_live_mode, ///< http://localhost or http://127.0.0.1 with a live key
};

[[nodiscard]] std::string_view refusal_code(UrlRefusal refusal) noexcept;
/// For example "must not point to a private, loopback or link-local address".
[[nodiscard]] std::string_view refusal_message(UrlRefusal refusal) noexcept;

inline constexpr std::size_t kMaxUrlLength = 2048;
inline constexpr std::size_t kMaxHostLength = 253; ///< RFC 1035 §2.3.4, without the final dot

/// An IPv4 address as a 32-bit number (first octet in the high byte).
using Ipv4 = std::uint32_t;
/// An IPv6 address in network byte order.
using Ipv6 = std::array<std::uint8_t, 16>;

/// What an address is for, per the IANA IPv4 and IPv6 Special-Purpose Address Registries.
enum class AddressClass : std::uint8_t {
    global,        ///< ordinary public unicast
    unspecified,   ///< 0.0.0.0/8 (RFC 1122 §3.2.1.3), ::/128
    loopback,      ///< 127.0.0.0/8 (RFC 1122), ::1/128
    private_use,   ///< RFC 1918; fc00::/7 (RFC 4193); fec0::/10 (RFC 3879); 64:ff9b:1::/48
    shared,        ///< 100.64.0.0/10 carrier-grade NAT (RFC 6598)
    link_local,    ///< 169.254.0.0/16 (RFC 3927; cloud metadata lives here), fe80::/10
    multicast,     ///< 224.0.0.0/4 (RFC 5771), ff00::/8 (RFC 4291)
    broadcast,     ///< 255.255.255.255 (RFC 919)
    documentation, ///< 192.0.2/24, 198.51.100/24, 203.0.113/24 (RFC 5737); 2001:db8::/32, 3fff::/20
    benchmarking,  ///< 198.18.0.0/15 (RFC 2544), 2001:2::/48 (RFC 5180)
    reserved,      ///< 240.0.0.0/4, 192.0.0.0/24, 6to4 relays, discard-only, unassigned IPv6, …
};

[[nodiscard]] AddressClass classify(Ipv4 address) noexcept;
/// An address that carries an IPv4 address (mapped, compatible, translated, NAT64, 6to4) is
/// judged by the address it carries as well.
[[nodiscard]] AddressClass classify(const Ipv6& address) noexcept;
[[nodiscard]] constexpr bool is_global(AddressClass c) noexcept {
    return c == AddressClass::global;
}

/// The WHATWG URL Standard's IPv4 handling of a host that has been percent-decoded and
/// lower-cased: `not_ipv4` when the host does not "end in a number" (it is a domain name),
/// otherwise the address, or `invalid` when the IPv4 parser fails (as fetch() would).
struct Ipv4Parse {
    enum class Kind : std::uint8_t { not_ipv4, address, invalid } kind = Kind::not_ipv4;
    Ipv4 address = 0;
};
[[nodiscard]] Ipv4Parse parse_ipv4_host(std::string_view host) noexcept;

/// The WHATWG URL Standard's IPv6 parser, for the text between the brackets.
[[nodiscard]] std::optional<Ipv6> parse_ipv6(std::string_view text) noexcept;

/// A URL's host as fetch() would use it.
struct Host {
    enum class Kind : std::uint8_t { domain, ipv4, ipv6 } kind = Kind::domain;
    /// The domain decoded and lower-cased, without a final dot (only for Kind::domain).
    std::array<char, kMaxHostLength> name{};
    std::uint8_t name_size = 0;
    Ipv4 ipv4 = 0;
    Ipv6 ipv6{};

    [[nodiscard]] constexpr std::string_view domain() const noexcept {
        return {name.data(), name_size};
    }
};

/// The parts of an absolute http(s) URL that decide where it goes.
struct ParsedUrl {
    bool https = true;
    Host host;
    std::string_view host_text; ///< the host as written (a view into the URL)
    std::uint16_t port = 0;     ///< 0 when none was written
};

/// Reads an absolute `https://` or `http://` URL of at most kMaxUrlLength printable ASCII
/// characters without credentials: scheme, host (as above) and port. No policy: a private
/// address parses.
[[nodiscard]] std::variant<ParsedUrl, UrlRefusal> parse_http_url(std::string_view url) noexcept;

/// Whether `url` is one the worker may send requests to: https:// to a public host, or —
/// only when `allow_local_http` (a test key) — exactly `http://localhost[:port]` or
/// `http://127.0.0.1[:port]`, for a receiver on the developer's machine. Nothing when the URL
/// is acceptable.
[[nodiscard]] std::optional<UrlRefusal> check_outbound_url(std::string_view url,
                                                           bool allow_local_http) noexcept;

/// Whether a parsed http:// URL is the test-key exception: its host written exactly as
/// `localhost` (any case) or `127.0.0.1`.
[[nodiscard]] bool is_local_http_exception(const ParsedUrl& url) noexcept;

} // namespace paylinks::net
