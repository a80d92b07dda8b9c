#include "core/chain/rpc.hpp"

#include "core/eth/transfer_log.hpp"
#include "core/num/uint256.hpp"

namespace paylinks::chain {

engine::Effect eth_chain_id() {
    return engine::rpc_call("eth_chainId", Json::array());
}
engine::Effect eth_block_number() {
    return engine::rpc_call("eth_blockNumber", Json::array());
}

engine::Effect eth_get_transfer_logs(const eth::Address& token,
                                     const std::vector<eth::Address>& recipients,
                                     std::uint64_t from_block,
                                     std::optional<std::uint64_t> to_block) {
    Json to_topics = Json::array();
    for (const auto& recipient : recipients)
        to_topics.push_back(eth::topic_for(recipient));
    Json filter{
        {"address", eth::to_lower_hex(token)},
        {"fromBlock", num::to_hex_quantity(from_block)},
        {"toBlock", to_block ? Json(num::to_hex_quantity(*to_block)) : Json("latest")},
        {"topics", Json::array({std::string(eth::kTransferTopic), nullptr, std::move(to_topics)})}};
    return engine::rpc_call("eth_getLogs", Json::array({std::move(filter)}));
}

engine::Effect eth_get_transaction_receipt(const std::string& transaction_hash) {
    return engine::rpc_call("eth_getTransactionReceipt", Json::array({transaction_hash}));
}

std::variant<std::uint64_t, Fault> read_quantity(const Json& result, const char* what) {
    if (!engine::succeeded(result))
        return Fault{std::string(what) + " failed: " + engine::failure_message(result)};
    auto value = result.find("value");
    if (value == result.end() || !value->is_string())
        return Fault{std::string(what) + " answered a non-string"};
    auto quantity = num::parse_hex_u64(value->get<std::string>());
    if (!quantity) return Fault{std::string(what) + " answered a malformed quantity"};
    return *quantity;
}

std::optional<std::int64_t> block_time_ms(const Json& object) {
    auto it = object.find("blockTimestamp");
    if (it == object.end()) return std::nullopt;
    std::optional<std::uint64_t> seconds;
    if (it->is_string())
        seconds = num::parse_hex_u64(it->get<std::string>());
    else if (it->is_number_unsigned())
        seconds = it->get<std::uint64_t>();
    if (!seconds || *seconds > 253402300799ull) return std::nullopt;
    return static_cast<std::int64_t>(*seconds) * 1000;
}

std::variant<std::vector<sessions::ObservedTransfer>, Fault>
read_transfer_logs(const Json& result, const eth::Address& token,
                   const std::set<eth::Address>& recipients) {
    if (!engine::succeeded(result))
        return Fault{"eth_getLogs failed: " + engine::failure_message(result)};
    auto value = result.find("value");
    if (value == result.end() || !value->is_array())
        return Fault{"eth_getLogs answered something other than an array"};
    std::vector<sessions::ObservedTransfer> transfers;
    for (const auto& item : *value) {
        auto parsed = eth::parse_transfer_log(item);
        if (auto* error = std::get_if<eth::LogError>(&parsed))
            return Fault{"eth_getLogs answered a malformed log (" +
                         std::string(eth::to_string(*error)) + ")"};
        auto& log = std::get<eth::TransferLog>(parsed);
        if (log.token != token || !recipients.count(log.to))
            return Fault{"eth_getLogs answered a log that does not match the filter"};
        if (log.removed) continue;
        transfers.push_back({std::move(log), block_time_ms(item)});
    }
    return transfers;
}

std::variant<ReceiptVerdict, Fault> read_receipt(const Json& result, const eth::Address& token,
                                                 const eth::Address& recipient) {
    if (!engine::succeeded(result))
        return Fault{"eth_getTransactionReceipt failed: " + engine::failure_message(result)};
    ReceiptVerdict verdict;
    auto value = result.find("value");
    if (value == result.end() || value->is_null()) return verdict; // unknown or pending
    if (!value->is_object()) return Fault{"eth_getTransactionReceipt answered a non-object"};
    const Json& receipt = *value;
    auto block_number = receipt.find("blockNumber");
    if (block_number == receipt.end() || block_number->is_null()) return verdict; // pending
    verdict.found = true;
    auto status = receipt.find("status");
    if (status == receipt.end() || !status->is_string())
        return Fault{"the receipt has no status (pre-Byzantium receipts are not accepted)"};
    auto status_value = num::parse_hex_u64(status->get<std::string>());
    if (!status_value || *status_value > 1) return Fault{"the receipt's status is malformed"};
    verdict.succeeded = *status_value == 1;
    auto logs = receipt.find("logs");
    if (logs == receipt.end() || !logs->is_array()) return Fault{"the receipt has no logs array"};
    auto receipt_time = block_time_ms(receipt);
    for (const auto& item : *logs) {
        // Other events in the same transaction are none of our business; only a Transfer
        // from the configured token to this session's address counts.
        auto parsed = eth::parse_transfer_log(item);
        auto* log = std::get_if<eth::TransferLog>(&parsed);
        if (!log || log->removed || log->token != token || log->to != recipient) continue;
        auto time = block_time_ms(item);
        verdict.transfers.push_back({std::move(*log), time ? time : receipt_time});
    }
    return verdict;
}

} // namespace paylinks::chain
