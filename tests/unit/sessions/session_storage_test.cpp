// to_storage / from_storage: every field of a session survives the stored record, for
// random sessions across the full ranges (u64 block numbers, log indices and confirmations,
// 256-bit amounts, decimals 0…77, metadata).
#include "core/sessions/session_json.hpp"
#include "core/util/time.hpp"

#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <string>

using namespace paylinks;
using namespace paylinks::sessions;

namespace {

/// splitmix64: deterministic, so a failure reproduces.
struct Prng {
    std::uint64_t state;
    std::uint64_t next() {
        std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    std::uint64_t below(std::uint64_t n) { return next() % n; }
    bool coin() { return (next() & 1) != 0; }
    /// Full range, or one of the edges, or small.
    std::uint64_t u64() {
        switch (below(6)) {
        case 0:
            return 0;
        case 1:
            return std::numeric_limits<std::uint64_t>::max();
        case 2:
            return (std::uint64_t{1} << 63) + below(3) - 1;
        case 3:
            return below(1000);
        default:
            return next();
        }
    }
    num::uint256 u256() {
        num::uint256 value = 0;
        const auto words = below(5);
        for (std::uint64_t i = 0; i < words; ++i)
            value = (value << 64) | num::uint256(next());
        if (below(8) == 0) value = ~num::uint256(0);
        return value;
    }
    std::int64_t time_ms() {
        return static_cast<std::int64_t>(below(static_cast<std::uint64_t>(time::kMaxUnixMs) + 1));
    }
    std::string text() {
        static constexpr std::array<const char*, 12> pieces = {
            "a", "Z", "0", " ", "\"", "\\", "/", "\n", "é", "€", "\xf0\x9f\x92\xb8", "\t"};
        std::string out;
        const auto length = below(12);
        for (std::uint64_t i = 0; i < length; ++i)
            out += pieces[below(pieces.size())];
        return out;
    }
    std::optional<std::string> maybe_text() {
        if (coin()) return std::nullopt;
        return text();
    }
    std::string hash() {
        std::string out = "0x";
        for (int i = 0; i < 64; ++i)
            out += "0123456789abcdef"[below(16)];
        return out;
    }
    eth::Address address() {
        eth::Address address{};
        for (auto& byte : address.bytes)
            byte = static_cast<std::uint8_t>(below(256));
        return address;
    }
};

Session random_session(Prng& rng) {
    Session s;
    s.id = "cs_" + std::to_string(rng.next());
    s.link_mode = rng.coin();
    if (rng.coin()) s.link_id = "pl_" + std::to_string(rng.next());
    s.title = rng.text();
    s.description = rng.maybe_text();
    s.fiat_amount = static_cast<std::int64_t>(rng.u64() >> 1);
    s.fiat_currency = rng.coin() ? "EUR" : "USD";
    s.exchange_rate = std::to_string(rng.below(100000)) + "." + std::to_string(rng.below(1000));
    s.amount_due = rng.u256();
    if (const auto kind = rng.below(3); kind == 1) {
        s.rate_source = paylinks::sessions::RateSource{};
    } else if (kind == 2) {
        paylinks::sessions::RateSource source;
        source.type = paylinks::sessions::RateSource::Type::feed;
        source.feed = rng.address();
        source.round_id = num::to_decimal(rng.u256() >> 176); // uint80
        source.updated_at = static_cast<std::int64_t>(rng.below(253402300800ull));
        source.answer = num::to_decimal(rng.u256() >> 1);
        source.decimals = static_cast<unsigned>(rng.below(78));
        s.rate_source = source;
    }
    s.token_decimals = static_cast<unsigned>(rng.below(78));
    s.token_symbol = rng.text();
    if (rng.coin()) s.start_block = rng.u64();
    s.scanned_to = rng.u64();
    s.head_seen = rng.u64();
    s.deposit_address = rng.address();
    s.status = static_cast<Status>(rng.below(8));
    const auto payments = rng.below(4);
    for (std::uint64_t i = 0; i < payments; ++i) {
        Payment p;
        p.transaction_hash = rng.hash();
        p.log_index = rng.u64();
        p.from = rng.address();
        p.amount = rng.u256();
        p.block_number = rng.u64();
        p.block_hash = rng.coin() ? rng.hash() : std::string();
        p.time_ms = rng.time_ms();
        p.confirmations = rng.u64();
        p.confirmed = rng.coin();
        s.payments.push_back(std::move(p));
    }
    s.metadata = Json::object();
    const auto entries = rng.below(4);
    for (std::uint64_t i = 0; i < entries; ++i) {
        const std::string key = "k" + std::to_string(i) + rng.text();
        if (rng.coin())
            s.metadata[key] = rng.text();
        else
            s.metadata[key] = rng.u64();
    }
    s.customer_email = rng.maybe_text();
    s.success_url = rng.maybe_text();
    s.cancel_url = rng.maybe_text();
    s.expires_at_ms = rng.time_ms();
    if (rng.coin()) s.paid_at_ms = rng.time_ms();
    s.livemode = rng.coin();
    s.created_at_ms = rng.time_ms();
    s.updated_at_ms = rng.time_ms();
    return s;
}

void require_same(const Session& a, const Session& b) {
    CHECK(a.id == b.id);
    CHECK(a.link_mode == b.link_mode);
    CHECK(a.link_id == b.link_id);
    CHECK(a.title == b.title);
    CHECK(a.description == b.description);
    CHECK(a.fiat_amount == b.fiat_amount);
    CHECK(a.fiat_currency == b.fiat_currency);
    CHECK(a.exchange_rate == b.exchange_rate);
    CHECK(a.amount_due == b.amount_due);
    REQUIRE(a.rate_source.has_value() == b.rate_source.has_value());
    if (a.rate_source) CHECK(to_json(*a.rate_source) == to_json(*b.rate_source));
    CHECK(a.token_decimals == b.token_decimals);
    CHECK(a.token_symbol == b.token_symbol);
    CHECK(a.start_block == b.start_block);
    CHECK(a.scanned_to == b.scanned_to);
    CHECK(a.head_seen == b.head_seen);
    CHECK(a.deposit_address == b.deposit_address);
    CHECK(to_string(a.status) == to_string(b.status));
    REQUIRE(a.payments.size() == b.payments.size());
    for (std::size_t i = 0; i < a.payments.size(); ++i) {
        const auto& p = a.payments[i];
        const auto& q = b.payments[i];
        CHECK(p.transaction_hash == q.transaction_hash);
        CHECK(p.log_index == q.log_index);
        CHECK(p.from == q.from);
        CHECK(p.amount == q.amount);
        CHECK(p.block_number == q.block_number);
        CHECK(p.block_hash == q.block_hash);
        CHECK(p.time_ms == q.time_ms);
        CHECK(p.confirmations == q.confirmations);
        CHECK(p.confirmed == q.confirmed);
    }
    CHECK(a.metadata == b.metadata);
    CHECK(a.customer_email == b.customer_email);
    CHECK(a.success_url == b.success_url);
    CHECK(a.cancel_url == b.cancel_url);
    CHECK(a.expires_at_ms == b.expires_at_ms);
    CHECK(a.paid_at_ms == b.paid_at_ms);
    CHECK(a.livemode == b.livemode);
    CHECK(a.created_at_ms == b.created_at_ms);
    CHECK(a.updated_at_ms == b.updated_at_ms);
}

} // namespace

TEST_CASE("random sessions survive to_storage / from_storage", "[sessions][storage]") {
    Prng rng{0x5e55'1011'7e57'0001ull};
    for (int iteration = 0; iteration < 600; ++iteration) {
        const Session session = random_session(rng);
        const std::string stored = to_storage(session);
        CAPTURE(iteration, stored);
        const auto restored = from_storage(stored);
        REQUIRE(restored.has_value());
        require_same(session, *restored);
        CHECK(to_storage(*restored) == stored);
    }
}

TEST_CASE("2^63 + 1 survives storage in every u64 field", "[sessions][storage]") {
    constexpr std::uint64_t edge = (std::uint64_t{1} << 63) + 1;
    Session session;
    session.id = "cs_edge";
    session.start_block = edge;
    session.scanned_to = edge;
    session.head_seen = edge;
    Payment payment;
    payment.transaction_hash = "0x" + std::string(64, 'e');
    payment.log_index = edge;
    payment.block_number = edge;
    payment.confirmations = edge;
    payment.amount = num::uint256(edge);
    session.payments.push_back(payment);
    session.amount_due = num::uint256(edge);
    session.metadata = Json{{"n", edge}};
    const auto restored = from_storage(to_storage(session));
    REQUIRE(restored.has_value());
    require_same(session, *restored);
    CHECK(restored->payments[0].log_index == edge);
    CHECK(restored->payments[0].confirmations == edge);
    CHECK(*restored->start_block == edge);
}

TEST_CASE("a stored rateSource is read strictly", "[sessions][storage][feed]") {
    Session session;
    session.id = "cs_rate";
    const Json base = *paylinks::parse_json(to_storage(session));
    CHECK(base["rateSource"].is_null());
    const Json feed{{"type", "feed"},
                    {"feed", "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707"},
                    {"roundId", "18446744073709552811"},
                    {"updatedAt", 1795000000},
                    {"answer", "108370000"},
                    {"decimals", 8}};
    struct Row {
        const char* name;
        Json source; ///< null: the member is removed
        bool readable;
    };
    auto with = [&](const char* key, Json value) {
        Json changed = feed;
        if (value.is_null())
            changed.erase(key);
        else
            changed[key] = std::move(value);
        return changed;
    };
    const Row rows[] = {
        {"absent (older records)", nullptr, true},
        {"static", Json{{"type", "static"}}, true},
        {"feed", feed, true},
        {"unknown type", Json{{"type", "oracle"}}, false},
        {"not an object", "feed", false},
        {"no feed address", with("feed", nullptr), false},
        {"bad feed address", with("feed", "0x12"), false},
        {"roundId a number", with("roundId", 5), false},
        {"roundId not decimal", with("roundId", "0x5"), false},
        {"negative updatedAt", with("updatedAt", -1), false},
        {"answer not decimal", with("answer", "-5"), false},
        {"decimals over 77", with("decimals", 78), false},
        {"no decimals", with("decimals", nullptr), false},
    };
    for (const auto& row : rows) {
        CAPTURE(row.name);
        Json stored = base;
        if (row.source.is_null())
            stored.erase("rateSource");
        else
            stored["rateSource"] = row.source;
        const auto restored = from_storage(paylinks::dump_json(stored));
        CHECK(restored.has_value() == row.readable);
        if (restored && !row.source.is_null()) CHECK(to_json(*restored->rate_source) == row.source);
    }
}
