#include "core/sessions/session_json.hpp"

#include "core/eth/address.hpp"
#include "core/eth/eip681.hpp"
#include "core/ids/ids.hpp"
#include "core/money/fiat.hpp"
#include "core/util/stored_fields.hpp"
#include "core/util/time.hpp"

#include <algorithm>

namespace paylinks::sessions {
namespace {

using stored::optional_string;
using stored::read_address;
using stored::read_int;
using stored::read_optional_string;
using stored::read_string;
using stored::read_u256;
using stored::read_u64;
using stored::read_u64_or;

// A time: integer milliseconds within [0, time::kMaxUnixMs].
bool read_time(const Json& object, const char* name, std::int64_t& out) {
    return read_int(object, name, out) && out >= 0 && out <= time::kMaxUnixMs;
}

Json payments_json(const Session& session, const config::Config& config) {
    Json payments = Json::array();
    for (const auto& payment : session.payments) {
        // Records from before several networks hold the primary network's token.
        const bool legacy = payment.network.empty();
        payments.push_back(Json{
            {"network",
             legacy && config.network ? std::string(config.network->name) : payment.network},
            {"token", legacy ? config.token_text : eth::to_checksum_address(payment.token)},
            {"transactionHash", payment.transaction_hash},
            {"logIndex", payment.log_index},
            {"from", eth::to_checksum_address(payment.from)},
            {"amount",
             num::format_units(payment.amount, payment.decimals.value_or(session.token_decimals))},
            {"blockNumber", payment.block_number},
            {"blockHash", payment.block_hash},
            {"blockTime", time::format_iso8601(payment.time_ms)},
            {"confirmations", payment.confirmations},
            {"confirmed", payment.confirmed},
        });
    }
    return payments;
}

// Whether a payment is on `network`; an empty one is the primary, which holds every payment
// not on one of the session's other chains.
bool payment_on(const Session& session, const Payment& payment, const std::string& network) {
    if (!network.empty()) return payment.network == network;
    return payment.network.empty() || !session.other_chains.contains(payment.network);
}

// The newest block holding a payment on `network` (0: none), for the scanner's reorg checks.
std::uint64_t newest_payment_block(const Session& session, const std::string& network = {}) {
    std::uint64_t newest = 0;
    for (const auto& payment : session.payments)
        if (payment_on(session, payment, network)) newest = std::max(newest, payment.block_number);
    return newest;
}

Json payment_options_json(const Session& session, const config::Config& config,
                          const std::string& deposit_address) {
    Json options = Json::array();
    for (const auto& option : payment_options(session, config)) {
        const std::string token = eth::to_checksum_address(option.token);
        options.push_back(Json{
            {"network", option.network},
            {"chainId", option.chain_id},
            {"token",
             {{"symbol", option.symbol}, {"address", token}, {"decimals", option.decimals}}},
            {"amountDue", num::format_units(option.amount_due, option.decimals)},
            {"paymentUri",
             eth::erc20_transfer_uri(token, option.chain_id, deposit_address, option.amount_due)},
        });
    }
    return options;
}

} // namespace

std::string session_key(std::string_view id) {
    return std::string(kSessionKeyPrefix) + ids::newest_first_key(id, ids::kSessionPrefix);
}
std::string watch_index_key(std::string_view id) {
    return std::string(kWatchIndexPrefix) + ids::newest_first_key(id, ids::kSessionPrefix);
}

std::string payment_uri(const config::Config& config, std::string_view deposit_address_eip55,
                        const num::uint256& amount) {
    return eth::erc20_transfer_uri(config.token_text, config.network ? config.network->chain_id : 0,
                                   deposit_address_eip55, amount);
}

std::vector<PaymentOption> payment_options(const Session& session, const config::Config& config) {
    if (!session.options.empty()) return session.options;
    PaymentOption option;
    if (config.network) {
        option.network = config.network->name;
        option.chain_id = config.network->chain_id;
    }
    option.token = config.token;
    option.symbol = session.token_symbol;
    option.decimals = session.token_decimals;
    option.amount_due = session.amount_due;
    return {option};
}

std::string to_storage(const Session& session) {
    Json payments = Json::array();
    for (const auto& payment : session.payments) {
        Json item{{"tx", payment.transaction_hash},
                  {"li", payment.log_index},
                  {"from", eth::to_lower_hex(payment.from)},
                  {"amount", num::to_decimal(payment.amount)},
                  {"block", payment.block_number},
                  {"hash", payment.block_hash},
                  {"time", payment.time_ms},
                  {"conf", payment.confirmations},
                  {"ok", payment.confirmed}};
        if (!payment.network.empty()) {
            item["net"] = payment.network;
            item["tok"] = eth::to_lower_hex(payment.token);
        }
        if (payment.decimals) item["dec"] = *payment.decimals;
        payments.push_back(std::move(item));
    }
    Json options = Json::array();
    for (const auto& option : session.options)
        options.push_back(Json{{"net", option.network},
                               {"chain", option.chain_id},
                               {"tok", eth::to_lower_hex(option.token)},
                               {"sym", option.symbol},
                               {"dec", option.decimals},
                               {"due", num::to_decimal(option.amount_due)}});
    Json chains = Json::object();
    for (const auto& [name, cursor] : session.other_chains)
        chains[name] = Json{{"b", cursor.start_block ? Json(*cursor.start_block) : Json(nullptr)},
                            {"t", cursor.scanned_to},
                            {"h", cursor.head_seen}};
    Json stored{
        {"v", 2},
        {"id", session.id},
        {"mode", session.link_mode ? "link" : "ad_hoc"},
        {"linkId", optional_string(session.link_id)},
        {"title", session.title},
        {"description", optional_string(session.description)},
        {"fiatAmount", session.fiat_amount},
        {"fiatCurrency", session.fiat_currency},
        {"rate", session.exchange_rate},
        {"rateSource", session.rate_source ? to_json(*session.rate_source) : Json(nullptr)},
        {"due", num::to_decimal(session.amount_due)},
        {"decimals", session.token_decimals},
        {"symbol", session.token_symbol},
        {"startBlock", session.start_block ? Json(*session.start_block) : Json(nullptr)},
        {"scannedTo", session.scanned_to},
        {"headSeen", session.head_seen},
        {"deposit", eth::to_lower_hex(session.deposit_address)},
        {"status", to_string(session.status)},
        {"payments", std::move(payments)},
        {"options", std::move(options)},
        {"chains", std::move(chains)},
        {"metadata", session.metadata},
        {"customerMetadata", session.customer_metadata},
        {"customerEmail", optional_string(session.customer_email)},
        {"emailFromCustomer", session.customer_email_from_customer},
        {"successUrl", optional_string(session.success_url)},
        {"cancelUrl", optional_string(session.cancel_url)},
        {"expiresAt", session.expires_at_ms},
        {"paidAt", session.paid_at_ms ? Json(*session.paid_at_ms) : Json(nullptr)},
        {"livemode", session.livemode},
        {"createdAt", session.created_at_ms},
        {"updatedAt", session.updated_at_ms},
    };
    return dump_json(stored);
}

std::optional<Session> from_storage(std::string_view text) {
    auto parsed = parse_json(text);
    if (!parsed || !parsed->is_object()) return std::nullopt;
    const Json& stored = *parsed;
    Session session;
    std::string mode, status;
    if (!read_string(stored, "id", session.id) || !read_string(stored, "mode", mode) ||
        !read_optional_string(stored, "linkId", session.link_id) ||
        !read_string(stored, "title", session.title) ||
        !read_optional_string(stored, "description", session.description) ||
        !read_int(stored, "fiatAmount", session.fiat_amount) ||
        !read_string(stored, "fiatCurrency", session.fiat_currency) ||
        !read_string(stored, "rate", session.exchange_rate) ||
        !read_u256(stored, "due", session.amount_due) ||
        !read_address(stored, "deposit", session.deposit_address) ||
        !read_string(stored, "status", status) ||
        !read_optional_string(stored, "customerEmail", session.customer_email) ||
        !read_optional_string(stored, "successUrl", session.success_url) ||
        !read_optional_string(stored, "cancelUrl", session.cancel_url) ||
        !read_time(stored, "expiresAt", session.expires_at_ms) ||
        !read_time(stored, "createdAt", session.created_at_ms) ||
        !read_time(stored, "updatedAt", session.updated_at_ms))
        return std::nullopt;
    auto parsed_status = parse_status(status);
    if (!parsed_status) return std::nullopt;
    session.status = *parsed_status;
    // Added later: absent (records from before) or null means no rate source.
    if (auto source = stored.find("rateSource"); source != stored.end() && !source->is_null()) {
        session.rate_source = rate_source_from_json(*source);
        if (!session.rate_source) return std::nullopt;
    }
    // Fields added in version 2; a version-1 record was priced in USDC's 6 decimals.
    std::uint64_t decimals = 6;
    if (!read_u64_or(stored, "decimals", decimals, 6) || decimals > 77) return std::nullopt;
    session.token_decimals = static_cast<unsigned>(decimals);
    if (stored.contains("symbol") && !read_string(stored, "symbol", session.token_symbol))
        return std::nullopt;
    if (auto start = stored.find("startBlock"); start != stored.end() && !start->is_null()) {
        std::uint64_t block = 0;
        if (!read_u64(stored, "startBlock", block)) return std::nullopt;
        session.start_block = block;
    }
    if (!read_u64_or(stored, "scannedTo", session.scanned_to, 0) ||
        !read_u64_or(stored, "headSeen", session.head_seen, 0))
        return std::nullopt;
    session.link_mode = mode == "link";
    auto livemode = stored.find("livemode");
    if (livemode == stored.end() || !livemode->is_boolean()) return std::nullopt;
    session.livemode = livemode->get<bool>();
    auto metadata = stored.find("metadata");
    if (metadata == stored.end() || !metadata->is_object()) return std::nullopt;
    session.metadata = *metadata;
    // Both added after version 2's first records: absent means none.
    if (auto customer = stored.find("customerMetadata"); customer != stored.end()) {
        if (!customer->is_object()) return std::nullopt;
        session.customer_metadata = *customer;
    }
    if (auto typed = stored.find("emailFromCustomer"); typed != stored.end()) {
        if (!typed->is_boolean()) return std::nullopt;
        session.customer_email_from_customer = typed->get<bool>();
    }
    auto paid_at = stored.find("paidAt");
    if (paid_at != stored.end() && !paid_at->is_null()) {
        std::int64_t paid_at_ms = 0;
        if (!read_time(stored, "paidAt", paid_at_ms)) return std::nullopt;
        session.paid_at_ms = paid_at_ms;
    }
    auto payments = stored.find("payments");
    if (payments == stored.end() || !payments->is_array()) return std::nullopt;
    for (const auto& item : *payments) {
        if (!item.is_object()) return std::nullopt;
        Payment payment;
        auto ok = item.find("ok");
        if (!read_string(item, "tx", payment.transaction_hash) ||
            !read_u64(item, "li", payment.log_index) || !read_address(item, "from", payment.from) ||
            !read_u256(item, "amount", payment.amount) ||
            !read_u64(item, "block", payment.block_number) ||
            !read_time(item, "time", payment.time_ms) ||
            !read_u64(item, "conf", payment.confirmations) || ok == item.end() || !ok->is_boolean())
            return std::nullopt;
        if (item.contains("hash") && !read_string(item, "hash", payment.block_hash))
            return std::nullopt;
        // Added with several networks: absent means the primary network's token.
        if (item.contains("net") &&
            (!read_string(item, "net", payment.network) || payment.network.empty() ||
             !read_address(item, "tok", payment.token)))
            return std::nullopt;
        if (item.contains("dec")) {
            std::uint64_t decimals = 0;
            if (!read_u64(item, "dec", decimals) || decimals > 77) return std::nullopt;
            payment.decimals = static_cast<unsigned>(decimals);
        }
        payment.confirmed = ok->get<bool>();
        session.payments.push_back(std::move(payment));
    }
    // Added with several networks: absent means the primary token only.
    if (auto options = stored.find("options"); options != stored.end()) {
        if (!options->is_array()) return std::nullopt;
        for (const auto& item : *options) {
            PaymentOption option;
            std::uint64_t decimals = 0;
            if (!item.is_object() || !read_string(item, "net", option.network) ||
                !read_u64(item, "chain", option.chain_id) ||
                !read_address(item, "tok", option.token) ||
                !read_string(item, "sym", option.symbol) || !read_u64(item, "dec", decimals) ||
                decimals > 77 || !read_u256(item, "due", option.amount_due))
                return std::nullopt;
            option.decimals = static_cast<unsigned>(decimals);
            session.options.push_back(std::move(option));
        }
    }
    if (auto chains = stored.find("chains"); chains != stored.end()) {
        if (!chains->is_object()) return std::nullopt;
        for (const auto& [name, item] : chains->items()) {
            ChainCursor cursor;
            if (!item.is_object() || !read_u64(item, "t", cursor.scanned_to) ||
                !read_u64(item, "h", cursor.head_seen))
                return std::nullopt;
            if (auto start = item.find("b"); start != item.end() && !start->is_null()) {
                std::uint64_t block = 0;
                if (!read_u64(item, "b", block)) return std::nullopt;
                cursor.start_block = block;
            }
            session.other_chains[name] = cursor;
        }
    }
    return session;
}

Json to_public_json(const Session& session, const config::Config& config,
                    std::string_view base_url) {
    auto currency = money::find_currency(session.fiat_currency);
    const auto* network = config.network;
    std::string deposit_address = eth::to_checksum_address(session.deposit_address);
    std::string uri = payment_uri(config, deposit_address, session.amount_due);
    Json options = payment_options_json(session, config, deposit_address);
    return Json{
        {"id", session.id},
        {"object", "checkout_session"},
        {"mode", session.link_mode ? "link" : "ad_hoc"},
        {"linkId", optional_string(session.link_id)},
        {"status", to_string(session.status)},
        {"title", session.title},
        {"description", optional_string(session.description)},
        {"fiatAmount", currency ? money::format_fiat_amount(session.fiat_amount, *currency)
                                : std::to_string(session.fiat_amount)},
        {"fiatCurrency", session.fiat_currency},
        {"exchangeRate", session.exchange_rate},
        {"rateSource", session.rate_source ? to_json(*session.rate_source) : Json(nullptr)},
        {"network", network ? std::string(network->name) : std::string{}},
        {"chainId", network ? network->chain_id : 0},
        {"token",
         {{"symbol", session.token_symbol},
          {"address", config.token_text},
          {"decimals", session.token_decimals}}},
        {"amountDue", num::format_units(session.amount_due, session.token_decimals)},
        {"amountReceived", num::format_units(session.amount_seen(), session.token_decimals)},
        {"amountRemaining", num::format_units(session.amount_remaining(), session.token_decimals)},
        {"depositAddress", std::move(deposit_address)},
        {"paymentUri", std::move(uri)},
        {"paymentOptions", std::move(options)},
        {"payments", payments_json(session, config)},
        {"confirmationsRequired",
         config.finalized ? Json("finalized") : Json(config.confirmations)},
        {"successUrl", optional_string(session.success_url)},
        {"cancelUrl", optional_string(session.cancel_url)},
        {"checkoutUrl", std::string(base_url) + "/c/" + session.id},
        {"expiresAt", time::format_iso8601(session.expires_at_ms)},
        {"paidAt",
         session.paid_at_ms ? Json(time::format_iso8601(*session.paid_at_ms)) : Json(nullptr)},
        {"livemode", session.livemode},
        {"createdAt", time::format_iso8601(session.created_at_ms)},
        {"updatedAt", time::format_iso8601(session.updated_at_ms)},
    };
}

num::uint256 amount_refunded(const Session& session) {
    num::uint256 total = 0;
    for (const auto& refund : session.refunds)
        if (refund.succeeded) total += refund.amount;
    return total;
}

std::string_view api_status(const Session& session) {
    const auto refunded = amount_refunded(session);
    if (refunded == 0) return to_string(session.status);
    const auto& names = refund_status_table();
    return refunded >= session.amount_confirmed() ? names[1].name : names[0].name;
}

Json to_api_json(const Session& session, const config::Config& config, std::string_view base_url) {
    Json object = to_public_json(session, config, base_url);
    // Refunds are the merchant's and their own records' (refunds/refund.hpp): the private
    // object shows them, and its status says what they returned.
    object["status"] = std::string(api_status(session));
    // Same order as the contract lists the fields: the private ones after confirmations.
    JsonObject members;
    members.reserve(object.size() + 2);
    for (auto& member : object_members(object)) {
        const bool private_ones_follow = member.first == "confirmationsRequired";
        members.push_back(std::move(member));
        if (private_ones_follow) {
            members.emplace_back("metadata", session.metadata);
            members.emplace_back("customerMetadata", session.customer_metadata);
            members.emplace_back("customerEmail", optional_string(session.customer_email));
            Json refunds = Json::array();
            for (const auto& refund : session.refunds)
                refunds.push_back(
                    Json{{"id", refund.id},
                         {"amount", num::format_units(refund.amount, session.token_decimals)},
                         {"status", refund.succeeded ? "succeeded" : "pending"}});
            members.emplace_back("amountRefunded", num::format_units(amount_refunded(session),
                                                                     session.token_decimals));
            members.emplace_back("refunds", std::move(refunds));
            members.emplace_back(
                "customerEmailSource",
                session.customer_email
                    ? Json(session.customer_email_from_customer ? "customer" : "merchant")
                    : Json(nullptr));
        }
    }
    return Json(std::move(members));
}

Json record_metadata(const Session& session) {
    std::uint64_t unconfirmed = 0;
    for (const auto& payment : session.payments)
        if (!payment.confirmed) ++unconfirmed;
    Json metadata{{"d", eth::to_lower_hex(session.deposit_address)},
                  {"c", session.created_at_ms},
                  {"e", session.expires_at_ms},
                  {"s", to_string(session.status)},
                  {"n", session.payments.size()},
                  {"u", unconfirmed},
                  {"p", newest_payment_block(session)},
                  {"t", session.scanned_to}};
    if (session.start_block) metadata["b"] = *session.start_block;
    if (session.link_id) metadata["l"] = *session.link_id;
    // The other networks' cursors: {"name": [startBlock|null, scannedTo, newestPaymentBlock,
    // unconfirmed, payments]}, 5 networks of 32-character names in under 450 bytes.
    if (!session.other_chains.empty()) {
        Json chains = Json::object();
        for (const auto& [name, cursor] : session.other_chains) {
            std::uint64_t count = 0, pending = 0;
            for (const auto& payment : session.payments)
                if (payment.network == name) {
                    ++count;
                    if (!payment.confirmed) ++pending;
                }
            chains[name] = Json::array(
                {cursor.start_block ? Json(*cursor.start_block) : Json(nullptr), cursor.scanned_to,
                 newest_payment_block(session, name), pending, count});
        }
        metadata["x"] = std::move(chains);
    }
    return metadata;
}

std::optional<WatchEntry> read_watch_metadata(std::string id, const Json& metadata) {
    if (!metadata.is_object()) return std::nullopt;
    WatchEntry entry;
    entry.id = std::move(id);
    std::string deposit, status;
    std::int64_t count = 0;
    if (!read_address(metadata, "d", entry.deposit_address) ||
        !read_time(metadata, "c", entry.created_at_ms) ||
        !read_time(metadata, "e", entry.expires_at_ms) || !read_string(metadata, "s", status) ||
        !read_int(metadata, "n", count) || count < 0)
        return std::nullopt;
    auto parsed = parse_status(status);
    if (!parsed) return std::nullopt;
    entry.status = *parsed;
    entry.payment_count = static_cast<std::uint32_t>(count);
    std::uint64_t unconfirmed = 0;
    if (!read_u64_or(metadata, "u", unconfirmed, 0) ||
        !read_u64_or(metadata, "p", entry.newest_payment_block, 0) ||
        !read_u64_or(metadata, "t", entry.scanned_to, 0))
        return std::nullopt;
    entry.unconfirmed_count =
        static_cast<std::uint32_t>(std::min<std::uint64_t>(unconfirmed, 1000));
    if (metadata.contains("b")) {
        std::uint64_t start = 0;
        if (!read_u64(metadata, "b", start)) return std::nullopt;
        entry.start_block = start;
    }
    if (auto chains = metadata.find("x"); chains != metadata.end()) {
        if (!chains->is_object()) return std::nullopt;
        for (const auto& [name, item] : chains->items()) {
            if (!item.is_array() || item.size() != 5) return std::nullopt;
            WatchEntry::Chain chain;
            std::vector<std::uint64_t> numbers;
            bool first = true;
            for (const auto& value : item) {
                if (first && value.is_null()) {
                    first = false;
                    continue;
                }
                if (!fits<std::uint64_t>(value)) return std::nullopt;
                if (first)
                    chain.start_block = value.get<std::uint64_t>();
                else
                    numbers.push_back(value.get<std::uint64_t>());
                first = false;
            }
            if (numbers.size() != 4) return std::nullopt;
            chain.scanned_to = numbers[0];
            chain.newest_payment_block = numbers[1];
            chain.unconfirmed_count =
                static_cast<std::uint32_t>(std::min<std::uint64_t>(numbers[2], 1000));
            chain.payment_count =
                static_cast<std::uint32_t>(std::min<std::uint64_t>(numbers[3], 1000));
            entry.other_chains[name] = chain;
        }
    }
    return entry;
}

} // namespace paylinks::sessions
