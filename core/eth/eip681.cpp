#include "core/eth/eip681.hpp"

namespace paylinks::eth {

std::string erc20_transfer_uri(std::string_view token_eip55, std::uint64_t chain_id,
                               std::string_view recipient_eip55, const num::uint256& base_units) {
    // request = "ethereum" ":" target_address [ "@" chain_id ] [ "/" function_name ]
    //           [ "?" parameters ]
    std::string uri = "ethereum:";
    uri += token_eip55;
    uri += '@';
    uri += std::to_string(chain_id);
    uri += "/transfer?address=";
    uri += recipient_eip55;
    uri += "&uint256=";
    uri += num::to_decimal(base_units);
    return uri;
}

} // namespace paylinks::eth
