#pragma once
// EIP-681 payment request URIs, as wallets scan them from a QR code.
#include "core/num/uint256.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace paylinks::eth {

/// An ERC-20 `transfer(address,uint256)` request (EIP-681):
/// "ethereum:<token>@<chain_id>/transfer?address=<recipient>&uint256=<base_units>", the
/// chain id and the amount (token base units) as plain decimal integers — no exponent, no
/// fraction. Both addresses are given in their EIP-55 form (`to_checksum_address`), which
/// callers already hold because they show it beside the URI.
[[nodiscard]] std::string erc20_transfer_uri(std::string_view token_eip55, std::uint64_t chain_id,
                                             std::string_view recipient_eip55,
                                             const num::uint256& base_units);

} // namespace paylinks::eth
