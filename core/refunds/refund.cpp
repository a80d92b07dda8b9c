#include "core/refunds/refund.hpp"

#include "core/api/validate.hpp"
#include "core/eth/eip681.hpp"
#include "core/ids/ids.hpp"
#include "core/store/listing.hpp"
#include "core/util/stored_fields.hpp"
#include "core/util/time.hpp"

#include <algorithm>
#include <set>

namespace paylinks::refunds {

using http::ApiError;
using http::ErrorCode;
using stored::read_int;
using stored::read_string;
using stored::read_u64;

namespace {

ApiError refused(ErrorCode code, std::string param, std::string message) {
    return ApiError{code, std::move(message), std::move(param)};
}

} // namespace

std::string_view to_string(Status status) noexcept {
    return status == Status::succeeded ? "succeeded" : "pending";
}

std::variant<RefundRequest, ApiError> read_refund_request(const Json& body) {
    if (!body.is_object())
        return refused(ErrorCode::body_not_object, "", "The body must be a JSON object");
    RefundRequest request;
    for (const auto& [name, value] : body.items()) {
        if (name == "amount") {
            if (!value.is_string())
                return refused(ErrorCode::amount_invalid, "amount",
                               "amount must be a string of token units, such as \"12.50\"");
            request.amount = value.get<std::string>();
        } else if (name == "address") {
            auto parsed =
                value.is_string() ? eth::parse_address(value.get<std::string>()) : std::nullopt;
            if (!parsed || *parsed == eth::Address{})
                return refused(ErrorCode::address_invalid, "address",
                               "address must be \"0x\" and 40 hex digits (EIP-55 when mixed "
                               "case), and not the zero address");
            request.address = *parsed;
        } else if (name == "reason") {
            if (value.is_null()) continue;
            if (!value.is_string() ||
                api::utf8_length(value.get_ref<const std::string&>()) > kMaxReasonLength ||
                api::has_control_characters(value.get_ref<const std::string&>(), true))
                return refused(ErrorCode::parameter_invalid, "reason",
                               "reason must be a string of at most 500 characters");
            request.reason = value.get<std::string>();
        } else {
            return refused(ErrorCode::parameter_unknown, name,
                           "Unknown parameter: " + std::string(name));
        }
    }
    return request;
}

num::uint256 refundable(const sessions::Session& session) {
    const auto confirmed = session.amount_confirmed();
    num::uint256 taken = 0;
    for (const auto& refund : session.refunds)
        taken += refund.amount;
    return taken >= confirmed ? num::uint256(0) : confirmed - taken;
}

std::variant<RefundTerms, ApiError> decide_terms(const sessions::Session& session,
                                                 const RefundRequest& request) {
    if (session.amount_confirmed() == 0)
        return refused(ErrorCode::session_not_refundable, "",
                       "This session has no confirmed payment to refund");
    const auto left = refundable(session);
    if (left == 0)
        return refused(ErrorCode::session_not_refundable, "",
                       "Everything this session received is refunded or being refunded");
    if (session.refund_ids.size() >= kMaxRefundsPerSession)
        return refused(ErrorCode::session_not_refundable, "",
                       "A session has at most " + std::to_string(kMaxRefundsPerSession) +
                           " refunds");
    RefundTerms terms;
    terms.amount = left;
    if (request.amount) {
        auto parsed = num::parse_units(*request.amount, session.token_decimals);
        if (!parsed || *parsed == 0)
            return refused(ErrorCode::amount_invalid, "amount",
                           "amount must be more than 0, in token units with at most " +
                               std::to_string(session.token_decimals) +
                               " decimals, such as \"12.50\"");
        if (*parsed > left)
            return refused(ErrorCode::refund_amount_too_large, "amount",
                           "amount is more than is left to refund (" +
                               num::format_units(left, session.token_decimals) + ")");
        terms.amount = *parsed;
    }
    if (request.address) {
        terms.to = *request.address;
    } else {
        std::set<eth::Address> senders;
        for (const auto& payment : session.payments)
            if (payment.confirmed) senders.insert(payment.from);
        if (senders.size() != 1)
            return refused(ErrorCode::parameter_missing, "address",
                           "The session's payments came from more than one address: name the "
                           "address to refund");
        terms.to = *senders.begin();
    }
    if (terms.to == session.deposit_address)
        return refused(ErrorCode::address_invalid, "address",
                       "address is the session's own deposit address");
    // Paid back where it came from: the newest confirmed payment from that address, else the
    // newest confirmed payment.
    const sessions::Payment* source = nullptr;
    for (const auto& payment : session.payments) {
        if (!payment.confirmed) continue;
        // A later payment takes over unless only the earlier one is from that address.
        if (!source || payment.from == terms.to || source->from != terms.to) source = &payment;
    }
    terms.network = source->network;
    terms.token = source->token;
    terms.decimals = source->decimals.value_or(session.token_decimals);
    // The session counts in its finest decimals; the transfer is in the token's own.
    num::uint256 scale = 1;
    for (unsigned i = terms.decimals; i < session.token_decimals; ++i)
        scale *= num::uint256(10);
    if (scale != 1) {
        if (request.amount && terms.amount % scale != 0)
            return refused(ErrorCode::amount_invalid, "amount",
                           "amount must be a whole number of the refunded token's base units (" +
                               std::to_string(terms.decimals) + " decimals)");
        terms.amount /= scale;
        if (terms.amount == 0)
            return refused(ErrorCode::session_not_refundable, "",
                           "What is left to refund is less than one base unit of the token");
    }
    return terms;
}

std::optional<std::size_t> chain_index_of(const config::Config& config,
                                          std::string_view network) noexcept {
    if (network.empty()) return 0;
    for (std::size_t i = 0; i < config.chains.size(); ++i)
        if (config.chains[i].name == network) return i;
    // A configuration without chains (tests' minimal ones) has only its primary.
    if (config.chains.empty() && config.network && config.network->name == network) return 0;
    return std::nullopt;
}

std::string refund_key(std::string_view id) {
    return std::string(kRefundKeyPrefix) + ids::newest_first_key(id, ids::kRefundPrefix);
}
std::string pending_key(std::string_view id) {
    return std::string(kPendingKeyPrefix) + ids::newest_first_key(id, ids::kRefundPrefix);
}
std::string claim_key(std::uint64_t chain_id, std::string_view transaction_hash,
                      std::uint64_t log_index) {
    return std::string(kClaimKeyPrefix) + std::to_string(chain_id) + "/" +
           std::string(transaction_hash) + "/" + std::to_string(log_index);
}

std::string to_storage(const Refund& refund) {
    return dump_json(
        Json{{"v", 1},
             {"id", refund.id},
             {"session", refund.session_id},
             {"network", refund.network},
             {"chain", refund.chain_id},
             {"token", eth::to_lower_hex(refund.token)},
             {"symbol", refund.token_symbol},
             {"decimals", refund.token_decimals},
             {"to", eth::to_lower_hex(refund.to)},
             {"sender", eth::to_lower_hex(refund.sender)},
             {"amount", num::to_decimal(refund.amount)},
             {"start", refund.start_block},
             {"reason", stored::optional_string(refund.reason)},
             {"status", to_string(refund.status)},
             {"tx", refund.transaction_hash},
             {"li", refund.log_index},
             {"block", refund.block_number},
             {"at", refund.created_at_ms},
             {"doneAt", refund.succeeded_at_ms ? Json(*refund.succeeded_at_ms) : Json(nullptr)},
             {"livemode", refund.livemode}});
}

std::optional<Refund> from_storage(std::string_view text) {
    auto parsed = parse_json(text);
    if (!parsed || !parsed->is_object()) return std::nullopt;
    const Json& stored = *parsed;
    Refund refund;
    std::uint64_t decimals = 0;
    std::string status;
    auto livemode = stored.find("livemode");
    if (!read_string(stored, "id", refund.id) || !ids::is_valid_id(refund.id, ids::kRefundPrefix) ||
        !read_string(stored, "session", refund.session_id) ||
        !read_string(stored, "network", refund.network) ||
        !read_u64(stored, "chain", refund.chain_id) ||
        !stored::read_address(stored, "token", refund.token) ||
        !read_string(stored, "symbol", refund.token_symbol) ||
        !read_u64(stored, "decimals", decimals) || decimals > 77 ||
        !stored::read_address(stored, "to", refund.to) ||
        !stored::read_address(stored, "sender", refund.sender) ||
        !stored::read_u256(stored, "amount", refund.amount) ||
        !read_u64(stored, "start", refund.start_block) || !read_string(stored, "status", status) ||
        (status != "pending" && status != "succeeded") ||
        !read_string(stored, "tx", refund.transaction_hash) ||
        !read_u64(stored, "li", refund.log_index) ||
        !read_u64(stored, "block", refund.block_number) ||
        !read_int(stored, "at", refund.created_at_ms) || livemode == stored.end() ||
        !livemode->is_boolean())
        return std::nullopt;
    refund.token_decimals = static_cast<unsigned>(decimals);
    refund.status = status == "succeeded" ? Status::succeeded : Status::pending;
    refund.livemode = livemode->get<bool>();
    if (auto reason = stored.find("reason"); reason != stored.end() && reason->is_string())
        refund.reason = reason->get<std::string>();
    if (auto done = stored.find("doneAt"); done != stored.end() && fits<std::int64_t>(*done))
        refund.succeeded_at_ms = done->get<std::int64_t>();
    return refund;
}

Json record_metadata(const Refund& refund) {
    return Json{{"s", to_string(refund.status)}, {"c", refund.session_id}};
}

Json pending_metadata(const Refund& refund) {
    return Json{{"c", refund.session_id},
                {"n", refund.network},
                {"k", eth::to_lower_hex(refund.token)},
                {"f", eth::to_lower_hex(refund.sender)},
                {"t", eth::to_lower_hex(refund.to)},
                {"a", num::to_decimal(refund.amount)},
                {"b", refund.start_block}};
}

std::optional<PendingEntry> read_pending_metadata(std::string id, const Json& metadata) {
    if (!metadata.is_object() || !ids::is_valid_id(id, ids::kRefundPrefix)) return std::nullopt;
    PendingEntry entry;
    entry.id = std::move(id);
    if (!read_string(metadata, "c", entry.session_id) ||
        !read_string(metadata, "n", entry.network) ||
        !stored::read_address(metadata, "k", entry.token) ||
        !stored::read_address(metadata, "f", entry.sender) ||
        !stored::read_address(metadata, "t", entry.to) ||
        !stored::read_u256(metadata, "a", entry.amount) ||
        !read_u64(metadata, "b", entry.start_block))
        return std::nullopt;
    return entry;
}

PendingEntry pending_entry(const Refund& refund) {
    return PendingEntry{refund.id,     refund.session_id, refund.network, refund.token,
                        refund.sender, refund.to,         refund.amount,  refund.start_block};
}

std::string payment_uri(const Refund& refund) {
    return eth::erc20_transfer_uri(eth::to_checksum_address(refund.token), refund.chain_id,
                                   eth::to_checksum_address(refund.to), refund.amount);
}

Json to_api_json(const Refund& refund, std::optional<std::string> qr_svg) {
    const bool done = refund.status == Status::succeeded;
    Json object{
        {"id", refund.id},
        {"object", "refund"},
        {"checkoutSession", refund.session_id},
        {"status", to_string(refund.status)},
        {"network", refund.network},
        {"chainId", refund.chain_id},
        {"token",
         {{"symbol", refund.token_symbol},
          {"address", eth::to_checksum_address(refund.token)},
          {"decimals", refund.token_decimals}}},
        {"amount", num::format_units(refund.amount, refund.token_decimals)},
        {"address", eth::to_checksum_address(refund.to)},
        {"sender", eth::to_checksum_address(refund.sender)},
        {"startBlock", refund.start_block},
        {"paymentUri", payment_uri(refund)},
        {"reason", refund.reason ? Json(*refund.reason) : Json(nullptr)},
        {"transactionHash", done ? Json(refund.transaction_hash) : Json(nullptr)},
        {"blockNumber", done ? Json(refund.block_number) : Json(nullptr)},
        {"succeededAt", refund.succeeded_at_ms && done
                            ? Json(time::format_iso8601(*refund.succeeded_at_ms))
                            : Json(nullptr)},
        {"livemode", refund.livemode},
        {"createdAt", time::format_iso8601(refund.created_at_ms)},
    };
    if (qr_svg) object["qrSvg"] = std::move(*qr_svg);
    return object;
}

std::string transfer_name(const eth::TransferLog& log) {
    return log.transaction_hash + ":" + std::to_string(log.log_index);
}

std::vector<RefundMatch> match_refunds(std::vector<PendingEntry> pending,
                                       const std::vector<eth::TransferLog>& transfers,
                                       const std::map<std::string, std::string>& claims,
                                       std::uint64_t confirmed_through) {
    // Ids are time-ordered: oldest first is id order (ties of one millisecond by their bits,
    // the same for every writer).
    std::sort(pending.begin(), pending.end(),
              [](const PendingEntry& a, const PendingEntry& b) { return a.id < b.id; });
    std::vector<std::size_t> order(transfers.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const auto& x = transfers[a];
        const auto& y = transfers[b];
        if (x.block_number != y.block_number) return x.block_number < y.block_number;
        if (x.log_index != y.log_index) return x.log_index < y.log_index;
        return x.transaction_hash < y.transaction_hash;
    });
    std::vector<bool> taken(transfers.size(), false);
    std::vector<RefundMatch> matches;
    for (const auto& refund : pending) {
        for (auto index : order) {
            const auto& log = transfers[index];
            if (taken[index] || log.removed || log.token != refund.token ||
                log.from != refund.sender || log.to != refund.to || log.value != refund.amount ||
                log.block_number < refund.start_block)
                continue;
            auto claim = claims.find(transfer_name(log));
            if (claim != claims.end() && claim->second != refund.id) continue;
            taken[index] = true;
            matches.push_back(RefundMatch{refund.id, index, log.block_number <= confirmed_through});
            break;
        }
    }
    return matches;
}

engine::Task<std::optional<ApiError>> apply_refunds(engine::Context& ctx,
                                                    sessions::Session& session) {
    std::vector<sessions::Session*> one(1, &session);
    co_return co_await apply_refunds_to_all(ctx, std::move(one));
}

engine::Task<std::optional<ApiError>>
apply_refunds_to_all(engine::Context& ctx, std::vector<sessions::Session*> sessions) {
    std::vector<engine::Effect> reads;
    for (const auto* session : sessions)
        for (const auto& id : session->refund_ids)
            reads.push_back(engine::kv_get(refund_key(id)));
    if (reads.empty()) co_return std::nullopt;
    auto results = co_await ctx.perform(std::move(reads));
    std::size_t at = 0;
    for (auto* session : sessions) {
        session->refunds.clear();
        for (std::size_t i = 0; i < session->refund_ids.size(); ++i) {
            auto stored = engine::read_kv_value(results[at++]);
            if (!stored.ok) co_return store::storage_error(stored.error);
            // Listed in the decision but not (yet) readable here: its record write failed, or
            // KV has not brought it to this location. It counts once it is seen.
            if (!stored.value) continue;
            auto refund = from_storage(*stored.value);
            if (!refund) continue;
            // In the session's decimals, as its payments are counted (a refund in a coarser
            // token scaled up, exactly).
            auto amount = refund->amount;
            for (unsigned d = refund->token_decimals; d < session->token_decimals; ++d)
                amount *= num::uint256(10);
            session->refunds.push_back(
                sessions::RefundSummary{refund->id, amount, refund->status == Status::succeeded});
        }
    }
    co_return std::nullopt;
}

} // namespace paylinks::refunds
