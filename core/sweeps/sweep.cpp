#include "core/sweeps/sweep.hpp"

#include "core/chain/rpc.hpp"
#include "core/crypto/hex.hpp"
#include "core/crypto/sha256.hpp"
#include "core/engine/effects.hpp"
#include "core/eth/transfer_log.hpp"
#include "core/ids/ids.hpp"
#include "core/util/stored_fields.hpp"
#include "core/util/time.hpp"

#include <algorithm>
#include <array>
#include <set>

namespace paylinks::sweeps {

using http::ApiError;
using http::ErrorCode;
using stored::read_int;
using stored::read_string;
using stored::read_u64;

namespace {

std::string lower(std::string text) {
    for (auto& c : text)
        if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    return text;
}

bool is_hash(const std::string& text) {
    return text.size() == 66 && text.compare(0, 2, "0x") == 0 &&
           crypto::hex_decode_fixed<32>(text).has_value();
}

ApiError bad(ErrorCode code, std::string param, std::string message) {
    return ApiError{code, std::move(message), std::move(param)};
}

ApiError upstream(std::string message) {
    return ApiError{ErrorCode::upstream_unavailable,
                    "The chain could not be read, try again: " + std::move(message), ""};
}

} // namespace

std::variant<SweepRequest, ApiError> read_sweep_request(const Json& body) {
    if (!body.is_object())
        return bad(ErrorCode::body_not_object, "", "The body must be a JSON object");
    for (const auto& [name, value] : body.items()) {
        (void)value;
        if (name != "transactionHash" && name != "sessions" && name != "network")
            return bad(ErrorCode::parameter_unknown, name,
                       "Unknown parameter: " + std::string(name));
    }
    SweepRequest request;
    auto hash = body.find("transactionHash");
    if (hash == body.end())
        return bad(ErrorCode::parameter_missing, "transactionHash", "transactionHash is required");
    if (!hash->is_string() || !is_hash(hash->get<std::string>()))
        return bad(ErrorCode::transaction_hash_invalid, "transactionHash",
                   "transactionHash must be \"0x\" and 64 hex digits");
    request.transaction_hash = lower(hash->get<std::string>());
    if (auto network = body.find("network"); network != body.end()) {
        if (!network->is_string() || network->get<std::string>().empty() ||
            network->get<std::string>().size() > 64)
            return bad(ErrorCode::parameter_invalid, "network",
                       "network must be the name of a network this deployment accepts");
        request.network = network->get<std::string>();
    }
    auto sessions = body.find("sessions");
    if (sessions == body.end())
        return bad(ErrorCode::parameter_missing, "sessions", "sessions is required");
    if (!sessions->is_array() || sessions->empty() || sessions->size() > kMaxSessionsPerSweep)
        return bad(ErrorCode::parameter_invalid, "sessions",
                   "sessions must be a list of 1 to " + std::to_string(kMaxSessionsPerSweep) +
                       " checkout session ids");
    std::set<std::string> seen;
    std::size_t index = 0;
    for (const auto& item : *sessions) {
        const std::string param = "sessions[" + std::to_string(index++) + "]";
        if (!item.is_string() || !ids::is_valid_id(item.get<std::string>(), ids::kSessionPrefix))
            return bad(ErrorCode::parameter_invalid, param,
                       param + " must be a checkout session id (cs_…)");
        if (!seen.insert(item.get<std::string>()).second)
            return bad(ErrorCode::parameter_invalid, param,
                       param + " names a session already listed");
        request.session_ids.push_back(item.get<std::string>());
    }
    return request;
}

std::variant<ReceiptSweep, ApiError>
read_sweep_receipt(const Json& result, std::string_view transaction_hash, const eth::Address& token,
                   const eth::Address& treasury,
                   const std::vector<std::pair<std::string, eth::Address>>& named) {
    if (!engine::succeeded(result))
        return upstream("eth_getTransactionReceipt failed: " + engine::failure_message(result));
    auto value = result.find("value");
    auto not_found = bad(ErrorCode::transaction_not_found, "transactionHash",
                         "The chain has no mined transaction " + std::string(transaction_hash));
    if (value == result.end() || value->is_null()) return not_found;
    if (!value->is_object()) return upstream("the receipt is not an object");
    const Json& receipt = *value;
    // A node that answers about another transaction is not to be believed on this one.
    if (auto hash = receipt.find("transactionHash");
        hash != receipt.end() &&
        (!hash->is_string() || lower(hash->get<std::string>()) != transaction_hash))
        return upstream("the receipt is for another transaction");
    auto block_number = receipt.find("blockNumber");
    if (block_number == receipt.end() || block_number->is_null()) return not_found; // pending
    auto mined_in = block_number->is_string() ? num::parse_hex_u64(block_number->get<std::string>())
                                              : std::nullopt;
    if (!mined_in) return upstream("the receipt's blockNumber is malformed");
    auto status = receipt.find("status");
    auto status_value = status != receipt.end() && status->is_string()
                            ? num::parse_hex_u64(status->get<std::string>())
                            : std::nullopt;
    if (!status_value || *status_value > 1) return upstream("the receipt's status is malformed");
    if (*status_value == 0)
        return bad(ErrorCode::transaction_not_sweep, "transactionHash",
                   "Transaction " + std::string(transaction_hash) + " reverted: it moved nothing");
    auto block_hash = receipt.find("blockHash");
    if (block_hash == receipt.end() || !block_hash->is_string() ||
        !is_hash(block_hash->get<std::string>()))
        return upstream("the receipt's blockHash is malformed");
    auto logs = receipt.find("logs");
    if (logs == receipt.end() || !logs->is_array())
        return upstream("the receipt has no logs array");

    ReceiptSweep out;
    out.block_number = *mined_in;
    out.block_hash = lower(block_hash->get<std::string>());
    out.block_time_ms = chain::block_time_ms(receipt);
    for (const auto& [id, address] : named)
        out.sessions.push_back(SweptSession{id, address, 0});
    for (const auto& item : *logs) {
        // The factory's own events, and any other token's transfers, are not money we count:
        // only what the token itself says left a deposit address for the treasury.
        auto parsed = eth::parse_transfer_log(item);
        auto* log = std::get_if<eth::TransferLog>(&parsed);
        if (!log || log->removed || log->token != token || log->to != treasury || log->value == 0)
            continue;
        for (auto& session : out.sessions)
            if (session.deposit_address == log->from) session.amount += log->value;
    }
    for (std::size_t i = 0; i < out.sessions.size(); ++i) {
        if (out.sessions[i].amount == 0)
            return bad(ErrorCode::transaction_not_sweep, "sessions[" + std::to_string(i) + "]",
                       "Transaction " + std::string(transaction_hash) + " sent nothing from " +
                           out.sessions[i].id + "'s deposit address " +
                           eth::to_checksum_address(out.sessions[i].deposit_address) +
                           " to the treasury");
        out.total += out.sessions[i].amount;
    }
    return out;
}

std::string sweep_id(std::uint64_t chain_id, std::string_view transaction_hash,
                     std::int64_t time_ms) {
    const auto digest =
        crypto::sha256("sweep " + std::to_string(chain_id) + " " + std::string(transaction_hash));
    std::array<std::uint8_t, ids::kIdRandomBytes> bits{};
    std::copy_n(digest.begin(), bits.size(), bits.begin());
    return ids::make_id(kSweepPrefix, time_ms, bits);
}

std::string sweep_key(std::string_view id) {
    return std::string(kSweepKeyPrefix) + ids::newest_first_key(id, kSweepPrefix);
}

std::string to_storage(const Sweep& sweep) {
    Json sessions = Json::array();
    for (const auto& session : sweep.sessions)
        sessions.push_back(Json{{"id", session.id},
                                {"d", eth::to_lower_hex(session.deposit_address)},
                                {"a", num::to_decimal(session.amount)}});
    return dump_json(Json{{"v", 1},
                          {"id", sweep.id},
                          {"tx", sweep.transaction_hash},
                          {"chain", sweep.chain_id},
                          {"network", sweep.network},
                          {"block", sweep.block_number},
                          {"blockHash", sweep.block_hash},
                          {"at", sweep.swept_at_ms},
                          {"token", eth::to_lower_hex(sweep.token)},
                          {"symbol", sweep.token_symbol},
                          {"decimals", sweep.token_decimals},
                          {"treasury", eth::to_lower_hex(sweep.treasury)},
                          {"amount", num::to_decimal(sweep.amount)},
                          {"sessions", std::move(sessions)},
                          {"livemode", sweep.livemode}});
}

std::optional<Sweep> from_storage(std::string_view text) {
    auto parsed = parse_json(text);
    if (!parsed || !parsed->is_object()) return std::nullopt;
    const Json& stored = *parsed;
    Sweep sweep;
    std::uint64_t decimals = 0;
    std::int64_t at = 0;
    auto livemode = stored.find("livemode");
    auto sessions = stored.find("sessions");
    if (!read_string(stored, "id", sweep.id) || !ids::is_valid_id(sweep.id, kSweepPrefix) ||
        !read_string(stored, "tx", sweep.transaction_hash) ||
        !read_u64(stored, "chain", sweep.chain_id) ||
        !read_u64(stored, "block", sweep.block_number) ||
        !read_string(stored, "blockHash", sweep.block_hash) || !read_int(stored, "at", at) ||
        !stored::read_address(stored, "token", sweep.token) ||
        !read_string(stored, "symbol", sweep.token_symbol) ||
        !read_u64(stored, "decimals", decimals) || decimals > 77 ||
        !stored::read_address(stored, "treasury", sweep.treasury) ||
        !stored::read_u256(stored, "amount", sweep.amount) || livemode == stored.end() ||
        !livemode->is_boolean() || sessions == stored.end() || !sessions->is_array())
        return std::nullopt;
    if (stored.contains("network") && !read_string(stored, "network", sweep.network))
        return std::nullopt;
    sweep.swept_at_ms = at;
    sweep.token_decimals = static_cast<unsigned>(decimals);
    sweep.livemode = livemode->get<bool>();
    for (const auto& item : *sessions) {
        SweptSession session;
        if (!item.is_object() || !read_string(item, "id", session.id) ||
            !stored::read_address(item, "d", session.deposit_address) ||
            !stored::read_u256(item, "a", session.amount))
            return std::nullopt;
        sweep.sessions.push_back(std::move(session));
    }
    return sweep;
}

Json sweep_metadata(const Sweep& sweep) {
    Json metadata{{"x", sweep.transaction_hash},
                  {"t", eth::to_lower_hex(sweep.token)},
                  {"a", num::to_decimal(sweep.amount)},
                  {"d", sweep.token_decimals},
                  {"y", sweep.token_symbol},
                  {"b", sweep.block_number},
                  {"n", sweep.sessions.size()}};
    if (!sweep.network.empty()) metadata["w"] = sweep.network;
    return metadata;
}

std::optional<SweepEntry> read_sweep_metadata(std::string id, const Json& metadata) {
    if (!metadata.is_object()) return std::nullopt;
    SweepEntry entry;
    entry.id = std::move(id);
    std::uint64_t decimals = 0;
    if (!read_string(metadata, "x", entry.transaction_hash) ||
        !stored::read_address(metadata, "t", entry.token) ||
        !stored::read_u256(metadata, "a", entry.amount) || !read_u64(metadata, "d", decimals) ||
        decimals > 77 || !read_string(metadata, "y", entry.token_symbol) ||
        !read_u64(metadata, "b", entry.block_number) ||
        !read_u64(metadata, "n", entry.session_count) ||
        (metadata.contains("w") && !read_string(metadata, "w", entry.network)))
        return std::nullopt;
    entry.token_decimals = static_cast<unsigned>(decimals);
    return entry;
}

Json to_api_json(const Sweep& sweep, std::string_view primary_network) {
    Json sessions = Json::array();
    for (const auto& session : sweep.sessions)
        sessions.push_back(
            Json{{"id", session.id},
                 {"depositAddress", eth::to_checksum_address(session.deposit_address)},
                 {"amount", num::format_units(session.amount, sweep.token_decimals)}});
    return Json{{"id", sweep.id},
                {"object", "sweep"},
                {"transactionHash", sweep.transaction_hash},
                {"chainId", sweep.chain_id},
                {"network", sweep.network.empty() ? std::string(primary_network) : sweep.network},
                {"blockNumber", sweep.block_number},
                {"blockHash", sweep.block_hash},
                {"sweptAt", time::format_iso8601(sweep.swept_at_ms)},
                {"token",
                 {{"symbol", sweep.token_symbol},
                  {"address", eth::to_checksum_address(sweep.token)},
                  {"decimals", sweep.token_decimals}}},
                {"treasury", eth::to_checksum_address(sweep.treasury)},
                {"amount", num::format_units(sweep.amount, sweep.token_decimals)},
                {"sessions", std::move(sessions)},
                {"livemode", sweep.livemode}};
}

} // namespace paylinks::sweeps
