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

/// The widest eth_getLogs range asked for until a node refuses one; providers cap ranges
/// (10,000 is common, free plans go down to 10) and the accepted span is then learned.
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
/// The same for the Transfer logs of any of `tokens` (one network's accepted tokens).
[[nodiscard]] engine::Effect eth_get_transfer_logs(const std::vector<eth::Address>& tokens,
                                                   const std::vector<eth::Address>& recipients,
                                                   std::uint64_t from_block,
                                                   std::optional<std::uint64_t> to_block);
[[nodiscard]] engine::Effect eth_get_transaction_receipt(const std::string& transaction_hash);
/// eth_getBlockByNumber without transactions, of a number or a tag ("finalized", "safe").
[[nodiscard]] engine::Effect eth_get_block_by_number(std::uint64_t number);
[[nodiscard]] engine::Effect eth_get_block_by_tag(std::string_view tag);
/// eth_call of a no-argument view function (4-byte selector) on `contract` at "latest".
[[nodiscard]] engine::Effect eth_call_view(const eth::Address& contract, std::string_view selector);

/// ERC-20 optional metadata (EIP-20): decimals() and symbol().
inline constexpr std::string_view kDecimalsSelector = "0x313ce567";
inline constexpr std::string_view kSymbolSelector = "0x95d89b41";

struct Fault {
    std::string message;
    bool misconfigured = false; ///< the chain contradicts the configuration (not transient)
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

[[nodiscard]] std::variant<std::vector<sessions::ObservedTransfer>, Fault>
read_transfer_logs(const Json& result, const std::vector<eth::Address>& tokens,
                   const std::set<eth::Address>& recipients);

/// Why a receipt does not pay a session, or the matching transfers it contains.
struct ReceiptVerdict {
    bool found = false;     ///< the node knows the transaction (and it is mined)
    bool succeeded = false; ///< status 0x1
    std::uint64_t block_number = 0;
    std::vector<sessions::ObservedTransfer> transfers; ///< Transfers of token to the address
};
[[nodiscard]] std::variant<ReceiptVerdict, Fault>
read_receipt(const Json& result, const eth::Address& token, const eth::Address& recipient);
/// Transfers of any of `tokens` count.
[[nodiscard]] std::variant<ReceiptVerdict, Fault>
read_receipt(const Json& result, const std::vector<eth::Address>& tokens,
             const eth::Address& recipient);

/// A block header as eth_getBlockByNumber answers it; nullopt in `header` when the node has
/// no such block (yet).
struct BlockHeader {
    std::uint64_t number = 0;
    std::string hash; ///< lower case
    std::int64_t time_ms = 0;
};
[[nodiscard]] std::variant<std::optional<BlockHeader>, Fault> read_block_header(const Json& result);

/// decimals() answer: one ABI word holding 0…77 (10^77 is the largest power in 256 bits).
[[nodiscard]] std::variant<unsigned, Fault> read_decimals(const Json& result);
/// symbol() answer: an ABI string, or a bytes32 (older tokens); printable ASCII, ≤ 32
/// characters, else nullopt (the caller keeps the configured symbol).
[[nodiscard]] std::optional<std::string> read_symbol(const Json& result);

/// How an eth_getLogs failure reads: providers refuse ranges or result sets that are too
/// large with JSON-RPC errors whose codes (-32005, -32600, -32602, -32000 …) and wording
/// differ. `limit` is the block span the message names, when it names one.
struct RangeRefusal {
    std::optional<std::uint64_t> limit;
};
[[nodiscard]] std::optional<RangeRefusal> read_range_refusal(const Json& result,
                                                             std::uint64_t asked_span);

/// The block time a log or receipt carries (some nodes add "blockTimestamp", as a hex
/// quantity or a JSON number); nullopt when absent or unreadable.
[[nodiscard]] std::optional<std::int64_t> block_time_ms(const Json& object);

} // namespace paylinks::chain
