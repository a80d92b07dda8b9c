#pragma once
// The Ethereum JSON-RPC calls the service makes, as effects, and strict readers of their
// answers. An RPC node is untrusted input: anything malformed is a fault that leaves every
// session as it was, never a payment.
#include "core/engine/effects.hpp"
#include "core/eth/address.hpp"
#include "core/sessions/payment_state.hpp"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

namespace paylinks::chain {

/// Ranges wider than this are split; providers cap eth_getLogs ranges (commonly 10,000).
inline constexpr std::uint64_t kMaxBlockRange = 5000;
/// At most this many deposit addresses in one eth_getLogs topic OR-list.
inline constexpr std::size_t kMaxAddressesPerCall = 1000;

[[nodiscard]] engine::Effect eth_chain_id();
[[nodiscard]] engine::Effect eth_block_number();
/// Transfer logs of `token` into any of `recipients`, in [from_block, to_block]; no
/// to_block means "latest".
[[nodiscard]] engine::Effect eth_get_transfer_logs(const eth::Address& token,
                                                   const std::vector<eth::Address>& recipients,
                                                   std::uint64_t from_block,
                                                   std::optional<std::uint64_t> to_block);
[[nodiscard]] engine::Effect eth_get_transaction_receipt(const std::string& transaction_hash);

struct Fault {
    std::string message;
};

/// A QUANTITY result (eth_chainId, eth_blockNumber).
[[nodiscard]] std::variant<std::uint64_t, Fault> read_quantity(const Json& result,
                                                               const char* what);

/// An eth_getLogs answer: every log must be a well-formed Transfer of `token` to one of
/// `recipients`, or the whole answer is a fault (a node that answers what was not asked is
/// not to be believed on anything else). Removed logs are dropped.
[[nodiscard]] std::variant<std::vector<sessions::ObservedTransfer>, Fault>
read_transfer_logs(const Json& result, const eth::Address& token,
                   const std::set<eth::Address>& recipients);

/// Why a receipt does not pay a session, or the matching transfers it contains.
struct ReceiptVerdict {
    bool found = false;     ///< the node knows the transaction (and it is mined)
    bool succeeded = false; ///< status 0x1
    std::vector<sessions::ObservedTransfer> transfers; ///< Transfers of token to the address
};
[[nodiscard]] std::variant<ReceiptVerdict, Fault>
read_receipt(const Json& result, const eth::Address& token, const eth::Address& recipient);

/// The block time a log or receipt carries (some nodes add "blockTimestamp", as a hex
/// quantity or a JSON number); nullopt when absent or unreadable.
[[nodiscard]] std::optional<std::int64_t> block_time_ms(const Json& object);

} // namespace paylinks::chain
