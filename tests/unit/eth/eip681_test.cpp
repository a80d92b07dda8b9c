#include "core/eth/address.hpp"
#include "core/eth/eip681.hpp"
#include "tests/unit/num/catch_uint256.hpp"

#include <catch2/catch.hpp>
#include <optional>
#include <string>

using namespace paylinks;
using namespace paylinks::eth;

namespace {

Address address(const char* text) {
    const auto parsed = parse_address(text);
    REQUIRE(parsed.has_value());
    return *parsed;
}

struct TransferRequest {
    Address token;
    std::uint64_t chain_id = 0;
    Address recipient;
    num::uint256 amount;
};

/// Reads back exactly the shape erc20_transfer_uri writes, using only the EIP-681 grammar's
/// separators: "ethereum:" target "@" chain_id "/" function "?" key=value ("&" key=value)*.
std::optional<TransferRequest> parse_back(std::string_view uri) {
    constexpr std::string_view scheme = "ethereum:";
    if (uri.substr(0, scheme.size()) != scheme) return std::nullopt;
    uri.remove_prefix(scheme.size());
    const std::size_t at = uri.find('@'), slash = uri.find('/'), query = uri.find('?');
    if (at == std::string_view::npos || slash == std::string_view::npos ||
        query == std::string_view::npos || !(at < slash && slash < query))
        return std::nullopt;
    if (uri.substr(slash + 1, query - slash - 1) != "transfer") return std::nullopt;
    const auto token = parse_address(uri.substr(0, at));
    const auto chain = num::parse_decimal_u256(uri.substr(at + 1, slash - at - 1));
    const std::string_view params = uri.substr(query + 1);
    const std::size_t amp = params.find('&');
    if (amp == std::string_view::npos) return std::nullopt;
    const std::string_view first = params.substr(0, amp), second = params.substr(amp + 1);
    if (first.substr(0, 8) != "address=" || second.substr(0, 8) != "uint256=") return std::nullopt;
    const auto recipient = parse_address(first.substr(8));
    const auto amount = num::parse_decimal_u256(second.substr(8));
    if (!token || !chain || !recipient || !amount || *chain > ~std::uint64_t{0})
        return std::nullopt;
    return TransferRequest{*token, static_cast<std::uint64_t>(*chain), *recipient, *amount};
}

} // namespace

TEST_CASE("erc20_transfer_uri exact strings", "[eth][eip681]") {
    // USDC on Base, on Ethereum, and a local token.
    const Address usdc_base = address("0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913");
    const Address usdc_mainnet = address("0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48");
    const Address recipient = address("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
    struct Case {
        Address token;
        std::uint64_t chain_id;
        num::uint256 amount;
        const char* uri;
    };
    const Case cases[] = {
        {usdc_base, 8453, 150000000,
         "ethereum:0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913@8453/transfer?address="
         "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed&uint256=150000000"},
        {usdc_mainnet, 1, 1,
         "ethereum:0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48@1/transfer?address="
         "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed&uint256=1"},
        {usdc_base, 84532, 0,
         "ethereum:0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913@84532/transfer?address="
         "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed&uint256=0"},
        // 10^21: where a JavaScript number would switch to exponent notation (1e+21).
        {usdc_mainnet, 31337, num::uint256(1000000000000000000ull) * 1000,
         "ethereum:0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48@31337/transfer?address="
         "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed&uint256=1000000000000000000000"},
    };
    for (const auto& c : cases) {
        INFO(c.uri);
        const std::string uri = erc20_transfer_uri(to_checksum_address(c.token), c.chain_id,
                                                   to_checksum_address(recipient), c.amount);
        CHECK(uri == c.uri);
        const auto back = parse_back(uri);
        REQUIRE(back.has_value());
        CHECK(back->token == c.token);
        CHECK(back->chain_id == c.chain_id);
        CHECK(back->recipient == recipient);
        CHECK(back->amount == c.amount);
    }
}

TEST_CASE("erc20_transfer_uri with extreme values parses back", "[eth][eip681]") {
    const Address token = address("0xFFfFfFffFFfffFFfFFfFFFFFffFFFffffFfFFFfF");
    const Address recipient{};
    const num::uint256 max = ~num::uint256(0);
    const std::string uri = erc20_transfer_uri(to_checksum_address(token), ~std::uint64_t{0},
                                               to_checksum_address(recipient), max);
    const std::string amount = uri.substr(uri.find("&uint256=") + 9);
    CHECK(amount ==
          "115792089237316195423570985008687907853269984665640564039457584007913129639935");
    const auto back = parse_back(uri);
    REQUIRE(back.has_value());
    CHECK(back->token == token);
    CHECK(back->chain_id == ~std::uint64_t{0});
    CHECK(back->recipient == recipient);
    CHECK(back->amount == max);
}
