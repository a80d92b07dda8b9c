// The whole engine through its only entry points (configure, start, resume), playing the shim
// with a hostile world. The input decides every request (method, path, query, headers, body),
// the clock, which exchanges run side by side, and the answer to every effect: an honest KV
// and chain most of the time, and otherwise failures, values of the wrong type, stored
// documents with one field broken, list pages of junk, RPC answers that are garbage or nearly
// right, outbound HTTP and QR answers of any shape. It also sends cron ticks, webhook
// deliveries, malformed protocol messages and raw bytes.
//
// The world starts from a state built by real requests (a webhook endpoint, a link, paid
// and unpaid sessions, events and pending deliveries), so that the deep paths are reached.
//
// Beyond "no crash": every answer must be one JSON object the shim can act on, and every
// effect must be one the shim and Workers KV accept (key and metadata sizes, TTL floors).
#include "core/crypto/hex.hpp"
#include "core/engine/engine.hpp"
#include "core/eth/address.hpp"
#include "core/eth/transfer_log.hpp"
#include "core/num/uint256.hpp"
#include "fuzz/fuzz_support.hpp"

#include <map>
#include <string>
#include <vector>

using namespace paylinks;
using fuzzing::mutate_document;
using fuzzing::mutate_json;
using fuzzing::random_json;
using fuzzing::random_text;

namespace {

constexpr std::int64_t kStartMs = 1'795'000'000'000;
constexpr const char* kApiKey = "sk_test_local";
constexpr const char* kToken = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
constexpr int kMaxRoundsPerExchange = 24;
constexpr int kMaxSteps = 24;

/// The local configuration of tests/unit/support/driver.cpp, with rates for other currencies.
Json environment() {
    return Json{{"API_KEY", kApiKey},
                {"NETWORK", "local"},
                {"RPC_URL", "http://127.0.0.1:8545"},
                {"TOKEN_ADDRESS", kToken},
                {"FORWARDER_FACTORY", "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"},
                {"FORWARDER_IMPLEMENTATION", "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"},
                {"CONFIRMATIONS", "2"},
                {"TOKEN_DECIMALS", "6"},
                {"RATES", R"({"EUR":"1.08","JPY":"0.0067"})"}};
}

struct Stored {
    std::string value;
    Json metadata;
};

struct Transfer {
    std::string to_topic; ///< "0x" + 24 zeros + address, lower case
    num::uint256 value;
    std::uint64_t block = 0;
    std::string tx;
    std::uint64_t log_index = 0;
};

/// The world the shim talks to: KV, a small chain, the clock.
struct World {
    std::map<std::string, Stored> kv;
    std::uint64_t head = 100;
    std::vector<Transfer> transfers;
    std::int64_t now = kStartMs;
    std::uint64_t entropy_counter = 0;
    std::vector<Json> follow_ups;
    bool merchant_down = false; ///< webhook endpoints answer 503
};

// ---------------------------------------------------------------------------------------
// Honest answers.

Json ok() {
    return Json{{"ok", true}};
}
Json failed(const char* why) {
    return Json{{"ok", false}, {"error", why}};
}

std::string str(const Json& object, const char* name) {
    if (!object.is_object()) return {};
    auto it = object.find(name);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

/// The member `name`, or null when `object` has none (never operator[] on a const value).
const Json& field(const Json& object, const char* name) {
    static const Json kNull;
    if (!object.is_object()) return kNull;
    auto it = object.find(name);
    return it == object.end() ? kNull : *it;
}

std::string topic_of(const std::string& address_hex) {
    std::string out = "0x000000000000000000000000";
    for (std::size_t i = 2; i < address_hex.size(); ++i) {
        char c = address_hex[i];
        out += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
}

Json log_json(const Transfer& t) {
    return Json{{"address", kToken},
                {"topics",
                 Json::array({std::string(eth::kTransferTopic),
                              topic_of("0x70997970c51812dc3a010c7d01b50e0d17dc79c8"), t.to_topic})},
                {"data", "0x" + crypto::hex_encode(num::to_be_bytes(t.value))},
                {"blockNumber", num::to_hex_quantity(t.block)},
                {"transactionHash", t.tx},
                {"logIndex", num::to_hex_quantity(t.log_index)},
                {"blockHash", "0x" + std::string(64, 'b')},
                {"transactionIndex", "0x0"},
                {"removed", false}};
}

std::uint64_t quantity_or(const Json& value, std::uint64_t fallback) {
    if (!value.is_string()) return fallback;
    return num::parse_hex_u64(value.get<std::string>()).value_or(fallback);
}

Json honest_rpc(const World& world, const Json& effect) {
    const auto method = str(effect, "method");
    const Json params = effect.value("params", Json::array());
    if (method == "eth_chainId") return Json{{"ok", true}, {"value", "0x7a69"}};
    if (method == "eth_blockNumber")
        return Json{{"ok", true}, {"value", num::to_hex_quantity(world.head)}};
    if (method == "eth_call") // decimals(): 6 (symbol() reads the same word and is not used)
        return Json{{"ok", true}, {"value", "0x" + std::string(63, '0') + "6"}};
    if (method == "eth_getLogs" && params.is_array() && !params.empty() && params[0].is_object()) {
        const Json& filter = params[0];
        const auto from = quantity_or(filter.value("fromBlock", Json()), 0);
        const auto to = quantity_or(filter.value("toBlock", Json()), world.head);
        Json wanted = Json::array();
        auto topics = filter.find("topics");
        if (topics != filter.end() && topics->is_array() && topics->size() == 3 &&
            (*topics)[2].is_array())
            wanted = (*topics)[2];
        Json logs = Json::array();
        for (const auto& t : world.transfers) {
            if (t.block < from || t.block > to || t.block > world.head) continue;
            bool match = false;
            for (const auto& topic : wanted)
                match = match || (topic.is_string() && topic == t.to_topic);
            if (match) logs.push_back(log_json(t));
        }
        return Json{{"ok", true}, {"value", std::move(logs)}};
    }
    if (method == "eth_getTransactionReceipt" && params.is_array() && !params.empty()) {
        Json logs = Json::array();
        std::uint64_t block = 0;
        for (const auto& t : world.transfers) {
            if (params[0].is_string() && params[0] == t.tx && t.block <= world.head) {
                logs.push_back(log_json(t));
                block = t.block;
            }
        }
        if (logs.empty()) return Json{{"ok", true}, {"value", nullptr}};
        return Json{{"ok", true},
                    {"value",
                     {{"status", "0x1"},
                      {"blockNumber", num::to_hex_quantity(block)},
                      {"transactionHash", params[0]},
                      {"logs", std::move(logs)}}}};
    }
    return failed("method not found");
}

Json honest(World& world, const Json& effect) {
    const auto op = str(effect, "op");
    const auto key = str(effect, "key");
    if (op == "kv.get") {
        auto it = world.kv.find(key);
        return it == world.kv.end() ? Json{{"ok", true}, {"value", nullptr}}
                                    : Json{{"ok", true}, {"value", it->second.value}};
    }
    if (op == "kv.put") {
        auto metadata = effect.find("metadata");
        world.kv[key] =
            Stored{str(effect, "value"), metadata != effect.end() ? *metadata : Json(nullptr)};
        return ok();
    }
    if (op == "kv.delete") {
        world.kv.erase(key);
        return ok();
    }
    if (op == "kv.list") {
        const auto prefix = str(effect, "prefix");
        const auto cursor = str(effect, "cursor");
        auto limit_it = effect.find("limit");
        const std::int64_t limit = limit_it != effect.end() && limit_it->is_number_integer()
                                       ? limit_it->get<std::int64_t>()
                                       : 1000;
        Json keys = Json::array();
        auto it = cursor.empty() ? world.kv.lower_bound(prefix) : world.kv.upper_bound(cursor);
        std::string last;
        for (; it != world.kv.end() && it->first.rfind(prefix, 0) == 0; ++it) {
            if (static_cast<std::int64_t>(keys.size()) >= limit)
                return Json{{"ok", true}, {"keys", keys}, {"complete", false}, {"cursor", last}};
            Json entry{{"name", it->first}};
            if (!it->second.metadata.is_null()) entry["metadata"] = it->second.metadata;
            keys.push_back(std::move(entry));
            last = it->first;
        }
        return Json{{"ok", true}, {"keys", keys}, {"complete", true}};
    }
    if (op == "rpc") return honest_rpc(world, effect);
    if (op == "http")
        return Json{{"ok", true},
                    {"status", world.merchant_down ? 503 : 200},
                    {"body", "ok"},
                    {"durationMs", 12}};
    if (op == "qr.svg")
        return Json{{"ok", true}, {"value", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"}};
    return failed("unknown op");
}

// ---------------------------------------------------------------------------------------
// Hostile answers.

std::vector<std::string> known_keys(const World& world, std::string_view prefix) {
    std::vector<std::string> out;
    for (auto it = world.kv.lower_bound(std::string(prefix));
         it != world.kv.end() && it->first.rfind(prefix, 0) == 0; ++it)
        out.push_back(it->first);
    return out;
}

/// A key of `prefix` that exists, without the prefix; empty if there is none.
std::string known_id(const World& world, std::string_view prefix, FuzzedDataProvider& in) {
    auto keys = known_keys(world, prefix);
    if (keys.empty()) return {};
    return keys[in.ConsumeIntegralInRange<std::size_t>(0, keys.size() - 1)].substr(prefix.size());
}

Json hostile_list(World& world, const Json& effect, FuzzedDataProvider& in) {
    Json page = honest(world, effect);
    Json& keys = page["keys"];
    const int extra = in.ConsumeIntegralInRange<int>(0, 3);
    for (int i = 0; i < extra; ++i) {
        Json entry = Json::object();
        const auto prefix = str(effect, "prefix");
        switch (in.ConsumeIntegralInRange<int>(0, 3)) {
        case 0:
            entry["name"] = prefix + random_text(in);
            break;
        case 1:
            entry["name"] = random_json(in, 1);
            break;
        case 2:
            break;
        default: {
            // A real key with someone else's metadata.
            auto all = known_keys(world, "");
            entry["name"] = all.empty()
                                ? prefix
                                : all[in.ConsumeIntegralInRange<std::size_t>(0, all.size() - 1)];
        }
        }
        if (in.ConsumeBool()) entry["metadata"] = random_json(in, 2);
        auto elements = keys.release_elements();
        elements.insert(elements.begin() +
                            static_cast<std::ptrdiff_t>(
                                in.ConsumeIntegralInRange<std::size_t>(0, elements.size())),
                        in.ConsumeBool() ? entry : random_json(in, 1));
        keys = Json::array(std::move(elements));
    }
    if (in.ConsumeBool() && !keys.empty()) {
        auto& victim = keys[in.ConsumeIntegralInRange<std::size_t>(0, keys.size() - 1)];
        if (victim.is_object() && victim.contains("metadata")) mutate_json(victim["metadata"], in);
    }
    switch (in.ConsumeIntegralInRange<int>(0, 3)) {
    case 0:
        page["complete"] = random_json(in, 0);
        break;
    case 1:
        page["complete"] = false;
        page["cursor"] = in.ConsumeBool() ? Json(random_text(in)) : random_json(in, 0);
        break;
    default:
        break;
    }
    return page;
}

/// Makes the chain pay one of the addresses an eth_getLogs asks about, as a node would show it.
void add_payment(World& world, const Json& effect, FuzzedDataProvider& in) {
    const Json params = effect.value("params", Json::array());
    if (!params.is_array() || params.empty() || !params[0].is_object()) return;
    auto topics = params[0].find("topics");
    if (topics == params[0].end() || !topics->is_array() || topics->size() != 3 ||
        !(*topics)[2].is_array() || (*topics)[2].empty())
        return;
    const Json& wanted = (*topics)[2];
    const Json& topic = wanted[in.ConsumeIntegralInRange<std::size_t>(0, wanted.size() - 1)];
    if (!topic.is_string()) return;
    Transfer t;
    t.to_topic = topic.get<std::string>();
    // Amounts around what sessions ask for (12.34 and 25.00 USDC), and any other.
    switch (in.ConsumeIntegralInRange<int>(0, 5)) {
    case 0:
        t.value = 25'000'000;
        break;
    case 1:
        t.value = 12'340'000;
        break;
    case 2:
        t.value = 1;
        break;
    case 3:
        t.value = 12'500'000;
        break;
    case 4:
        t.value = in.ConsumeIntegral<std::uint64_t>();
        break;
    default:
        t.value = 0;
        break;
    }
    t.block = world.head -
              std::min<std::uint64_t>(world.head, in.ConsumeIntegralInRange<std::uint64_t>(0, 3));
    t.log_index = in.ConsumeIntegralInRange<std::uint64_t>(0, 2);
    t.tx = "0x" + std::string(62, 'c') +
           crypto::hex_encode(
               std::array<std::uint8_t, 1>{static_cast<std::uint8_t>(world.transfers.size())});
    if (!world.transfers.empty() && in.ConsumeBool())
        t.tx = world.transfers.back().tx; // same tx again
    world.transfers.push_back(std::move(t));
}

Json hostile_rpc(World& world, const Json& effect, FuzzedDataProvider& in) {
    switch (in.ConsumeIntegralInRange<int>(0, 7)) {
    case 0:
    case 1:
        if (str(effect, "method") == "eth_getLogs") add_payment(world, effect, in);
        return honest_rpc(world, effect);
    case 2:
        // The chain moves: new blocks, or a node that lags behind (or a reorg).
        if (in.ConsumeBool())
            world.head += in.ConsumeIntegralInRange<std::uint64_t>(1, 10);
        else
            world.head -=
                std::min<std::uint64_t>(world.head, in.ConsumeIntegralInRange<std::uint64_t>(1, 4));
        if (!world.transfers.empty() && in.ConsumeBool()) world.transfers.pop_back();
        return honest_rpc(world, effect);
    case 3: {
        Json answer = honest_rpc(world, effect);
        mutate_json(answer, in);
        return answer;
    }
    case 4:
        return Json{{"ok", true}, {"value", random_json(in)}};
    case 5: {
        // Logs that are almost right: a mutated copy of an honest one.
        Json answer = honest_rpc(world, effect);
        if (answer.contains("value") && answer["value"].is_array() && !answer["value"].empty()) {
            auto& value = answer["value"];
            mutate_json(value[in.ConsumeIntegralInRange<std::size_t>(0, value.size() - 1)], in);
        }
        return answer;
    }
    case 6:
        return failed("upstream timeout");
    default:
        return random_json(in);
    }
}

Json hostile_kv_get(World& world, const Json& effect, FuzzedDataProvider& in) {
    const auto key = str(effect, "key");
    auto it = world.kv.find(key);
    switch (in.ConsumeIntegralInRange<int>(0, 4)) {
    case 0:
    case 1:
        if (it != world.kv.end())
            return Json{{"ok", true}, {"value", mutate_document(it->second.value, in)}};
        [[fallthrough]];
    case 2: {
        // Another stored document under this key (a link where a session belongs…).
        auto all = known_keys(world, "");
        if (all.empty()) return Json{{"ok", true}, {"value", nullptr}};
        const auto& other =
            world.kv[all[in.ConsumeIntegralInRange<std::size_t>(0, all.size() - 1)]];
        return Json{{"ok", true}, {"value", other.value}};
    }
    case 3:
        return Json{{"ok", true}, {"value", random_json(in)}};
    default:
        return Json{{"ok", true}, {"value", random_text(in)}};
    }
}

Json answer_effect(World& world, const Json& effect, FuzzedDataProvider& in) {
    const auto op = str(effect, "op");
    const int mode = in.ConsumeIntegralInRange<int>(0, 15);
    if (mode < 7) return honest(world, effect); // also what an exhausted input gets
    switch (mode) {
    case 7:
        return failed("KV GET failed: 503");
    case 8:
        return random_json(in);
    case 9: {
        Json answer = honest(world, effect);
        mutate_json(answer, in);
        return answer;
    }
    case 10:
        return Json{
            {"ok", in.ConsumeBool()}, {"value", random_json(in)}, {"error", random_json(in, 0)}};
    default:
        break;
    }
    if (op == "kv.get") return hostile_kv_get(world, effect, in);
    if (op == "kv.list") return hostile_list(world, effect, in);
    if (op == "rpc") return hostile_rpc(world, effect, in);
    if (op == "http") {
        Json answer{{"ok", true},
                    {"status", random_json(in, 0)},
                    {"body", random_json(in, 1)},
                    {"durationMs", random_json(in, 0)}};
        if (in.ConsumeBool()) answer["status"] = in.ConsumeIntegralInRange<int>(-1, 700);
        return answer;
    }
    if (op == "qr.svg") return Json{{"ok", true}, {"value", random_text(in)}};
    return honest(world, effect); // kv.put / kv.delete: written, whatever the answer says
}

// ---------------------------------------------------------------------------------------
// What the core sends must be something the shim and Workers KV can carry out.

void check_effect(const Json& effect) {
    const std::string text = dump_json(effect);
    FUZZ_CHECK(effect.is_object(), text);
    const auto op = str(effect, "op");
    if (op.rfind("kv.", 0) == 0) {
        if (op == "kv.list") {
            FUZZ_CHECK(effect.contains("prefix") && field(effect, "prefix").is_string(), text);
            FUZZ_CHECK(field(effect, "limit").is_number_integer() &&
                           field(effect, "limit").get<std::int64_t>() >= 1 &&
                           field(effect, "limit").get<std::int64_t>() <= 1000,
                       text);
            if (effect.contains("cursor")) FUZZ_CHECK(field(effect, "cursor").is_string(), text);
            return;
        }
        const auto key = str(effect, "key");
        // Workers KV: keys are 1 to 512 bytes; "." and ".." are refused.
        FUZZ_CHECK(!key.empty() && key.size() <= 512 && key != "." && key != "..",
                   text.substr(0, 600));
        if (op == "kv.get") {
            if (effect.contains("cacheTtl"))
                FUZZ_CHECK(field(effect, "cacheTtl").is_number_integer() &&
                               field(effect, "cacheTtl").get<std::int64_t>() >= 60,
                           text);
        } else if (op == "kv.put") {
            FUZZ_CHECK(effect.contains("value") && field(effect, "value").is_string(),
                       text.substr(0, 600));
            if (effect.contains("metadata"))
                FUZZ_CHECK(dump_json(field(effect, "metadata")).size() <= 1024,
                           text.substr(0, 2000));
            if (effect.contains("expirationTtl"))
                FUZZ_CHECK(field(effect, "expirationTtl").is_number_integer() &&
                               field(effect, "expirationTtl").get<std::int64_t>() >= 60,
                           text);
        } else {
            FUZZ_CHECK(op == "kv.delete", text);
        }
    } else if (op == "rpc") {
        const auto method = str(effect, "method");
        FUZZ_CHECK(method == "eth_chainId" || method == "eth_blockNumber" ||
                       method == "eth_getLogs" || method == "eth_getTransactionReceipt" ||
                       method == "eth_call" || method == "eth_getBlockByNumber",
                   text);
        FUZZ_CHECK(effect.contains("params") && field(effect, "params").is_array(), text);
    } else if (op == "http") {
        // The URL is the stored endpoint's, whatever KV returned: a bad one is a failed fetch.
        FUZZ_CHECK(field(effect, "url").is_string() && field(effect, "method").is_string(), text);
        FUZZ_CHECK(field(effect, "headers").is_object() && field(effect, "body").is_string() &&
                       field(effect, "timeoutMs").is_number_integer(),
                   text);
        for (const auto& [name, value] : field(effect, "headers").items())
            FUZZ_CHECK(value.is_string(), text);
    } else if (op == "limit") {
        // A Workers Rate Limiting use: the binding's name and the key counted against it.
        FUZZ_CHECK(field(effect, "binding").is_string() && field(effect, "key").is_string() &&
                       !str(effect, "binding").empty(),
                   text);
    } else {
        FUZZ_CHECK(op == "qr.svg" && effect.contains("text") && field(effect, "text").is_string(),
                   text);
    }
}

enum class Answer { error, effects, done };

/// Checks one answer of start/resume; `expected_id` is the exchange it should be about.
Answer check_answer(const std::string& text, std::optional<std::uint32_t> expected_id,
                    std::uint32_t* id_out, Json* out) {
    auto parsed = parse_json(text);
    FUZZ_CHECK(parsed && parsed->is_object(), text.substr(0, 2000));
    const Json& answer = *parsed;
    *out = answer;
    if (answer.contains("error")) {
        FUZZ_CHECK(answer.size() == 1 && field(answer, "error").is_string(), text.substr(0, 2000));
        return Answer::error;
    }
    FUZZ_CHECK(answer.contains("exchange") && field(answer, "exchange").is_number_unsigned(),
               text.substr(0, 2000));
    *id_out = field(answer, "exchange").get<std::uint32_t>();
    if (expected_id) FUZZ_CHECK(*id_out == *expected_id, text.substr(0, 2000));
    if (answer.contains("effects")) {
        const auto& effects = field(answer, "effects");
        FUZZ_CHECK(effects.is_array() && !effects.empty(), text.substr(0, 2000));
        for (const auto& effect : effects)
            check_effect(effect);
        return Answer::effects;
    }
    if (answer.contains("response")) {
        const auto& response = field(answer, "response");
        FUZZ_CHECK(field(response, "status").is_number_integer() &&
                       field(response, "status").get<std::int64_t>() >= 100 &&
                       field(response, "status").get<std::int64_t>() <= 599,
                   text.substr(0, 2000));
        FUZZ_CHECK(field(response, "body").is_string() && field(response, "headers").is_object(),
                   text.substr(0, 2000));
        for (const auto& [name, value] : field(response, "headers").items())
            FUZZ_CHECK(value.is_string() && value.get_ref<const std::string&>().find_first_of(
                                                "\r\n") == std::string::npos,
                       text.substr(0, 2000));
    } else {
        FUZZ_CHECK(answer.contains("result"), text.substr(0, 2000));
    }
    if (answer.contains("followUps")) {
        FUZZ_CHECK(field(answer, "followUps").is_array(), text.substr(0, 2000));
        for (const auto& message : field(answer, "followUps"))
            FUZZ_CHECK(message.is_object() && message.value("kind", "") == "deliver",
                       text.substr(0, 2000));
    }
    return Answer::done;
}

// ---------------------------------------------------------------------------------------
// Requests.

std::string entropy_for(World& world) {
    char buffer[65];
    std::snprintf(buffer, sizeof buffer, "%064llx",
                  static_cast<unsigned long long>(++world.entropy_counter));
    return buffer;
}

std::string fill(World& world, std::string_view prefix, FuzzedDataProvider& in) {
    switch (in.ConsumeIntegralInRange<int>(0, 5)) {
    case 0:
        return random_text(in);
    case 1: {
        static constexpr std::string_view kOthers[] = {"link/", "cs/", "evt/", "we/", "slug/"};
        return known_id(world, in.PickValueInArray(kOthers), in);
    }
    default: {
        auto id = known_id(world, prefix, in);
        return id.empty() ? random_text(in) : id;
    }
    }
}

std::string request_path(World& world, FuzzedDataProvider& in) {
    switch (in.ConsumeIntegralInRange<int>(0, 19)) {
    case 0:
        return "/healthz";
    case 1:
        return "/api/v1/payment_links";
    case 2:
        return "/api/v1/payment_links/" + fill(world, "link/", in);
    case 3:
        return "/api/v1/checkout_sessions";
    case 4:
        return "/api/v1/checkout_sessions/" + fill(world, "cs/", in);
    case 5:
        return "/api/v1/checkout_sessions/" + fill(world, "cs/", in) + "/expire";
    case 6:
        return "/l/" + fill(world, "slug/", in);
    case 7:
        return "/c/" + fill(world, "cs/", in);
    case 8:
    case 9:
        return "/c/" + fill(world, "cs/", in) + "/status";
    case 10:
        return "/c/" + fill(world, "cs/", in) + "/verify";
    case 11:
        return "/api/v1/events";
    case 12:
        return "/api/v1/events/" + fill(world, "evt/", in);
    case 13:
        return "/api/v1/events/" + fill(world, "evt/", in) + "/resend";
    case 14:
        return "/api/v1/webhook_endpoints";
    case 15:
        return "/api/v1/webhook_endpoints/" + fill(world, "we/", in);
    case 16:
        return "/api/v1/webhook_endpoints/" + fill(world, "we/", in) + "/rotate_secret";
    case 17:
        return "/dashboard";
    case 18:
        return "/assets/" + random_text(in);
    default:
        return "/" + random_text(in);
    }
}

std::string query_string(World& world, FuzzedDataProvider& in) {
    if (in.ConsumeIntegralInRange<int>(0, 2) != 0) return {};
    if (in.ConsumeIntegralInRange<int>(0, 4) == 0) return "?" + random_text(in);
    std::string query;
    const int n = in.ConsumeIntegralInRange<int>(1, 3);
    for (int i = 0; i < n; ++i) {
        query += i == 0 ? "?" : "&";
        switch (in.ConsumeIntegralInRange<int>(0, 6)) {
        case 0:
            query += "limit=" + (in.ConsumeBool()
                                     ? std::to_string(in.ConsumeIntegralInRange<int>(0, 101))
                                     : random_text(in));
            break;
        case 1:
            query += "starting_after=" + fill(world, in.ConsumeBool() ? "link/" : "cs/", in);
            break;
        case 2:
            query += "ending_before=" + fill(world, in.ConsumeBool() ? "evt/" : "cs/", in);
            break;
        case 3:
            query += "status=" + random_text(in);
            break;
        case 4:
            query += "linkId=" + fill(world, "link/", in);
            break;
        case 5:
            query += "type=" + random_text(in);
            break;
        default:
            query += random_text(in) + "=" + random_text(in);
            break;
        }
    }
    return query;
}

Json request_body(World& world, const std::string& path, FuzzedDataProvider& in) {
    Json body;
    if (path.find("/verify") != std::string::npos) {
        std::string tx = "0x" + std::string(64, 'a');
        if (!world.transfers.empty() && in.ConsumeBool())
            tx = world
                     .transfers[in.ConsumeIntegralInRange<std::size_t>(0,
                                                                       world.transfers.size() - 1)]
                     .tx;
        body = Json{{"transactionHash", tx}};
    } else if (path.rfind("/api/v1/payment_links", 0) == 0) {
        body = Json{{"title", "Summer tee"}, {"fiatAmount", "25.00"}};
        if (in.ConsumeBool())
            body["fiatCurrency"] = in.PickValueInArray({"USD", "EUR", "JPY", "usdc"});
        if (in.ConsumeBool()) body["slug"] = in.ConsumeBool() ? "summer-tee" : "winter-hat";
        if (in.ConsumeBool()) body["description"] = "Organic cotton";
        if (in.ConsumeBool()) body["successUrl"] = "https://shop.example/thanks";
        if (in.ConsumeBool()) body["active"] = in.ConsumeBool();
        if (in.ConsumeBool()) body["expiresAt"] = "2027-01-01T00:00:00Z";
    } else if (path.rfind("/api/v1/checkout_sessions", 0) == 0) {
        if (in.ConsumeBool()) {
            body = Json{{"linkId", known_id(world, "link/", in)}};
        } else {
            body = Json{{"fiatAmount", "12.34"}, {"title", "Order 7"}};
            if (in.ConsumeBool()) body["fiatCurrency"] = in.PickValueInArray({"USD", "EUR", "JPY"});
        }
        if (in.ConsumeBool()) body["metadata"] = Json{{"order", "7"}};
        if (in.ConsumeBool()) body["customerEmail"] = "ada@example.com";
        if (in.ConsumeBool()) body["expiresAt"] = (world.now / 1000) + 3600;
    } else if (path.rfind("/api/v1/webhook_endpoints", 0) == 0) {
        body = Json{{"url", "https://merchant.example/hooks"}};
        if (in.ConsumeBool())
            body["enabledEvents"] = Json::array(
                {in.PickValueInArray({"*", "checkout_session.paid", "payment_link.created"})});
        if (in.ConsumeBool()) body["active"] = in.ConsumeBool();
    } else {
        body = Json::object();
    }
    const int mutations = in.ConsumeIntegralInRange<int>(0, 3);
    for (int i = 0; i < mutations; ++i)
        mutate_json(body, in);
    return body;
}

Json http_start(World& world, FuzzedDataProvider& in) {
    static constexpr const char* kMethods[] = {"GET",    "GET",  "POST", "POST",    "PATCH",
                                               "DELETE", "HEAD", "PUT",  "OPTIONS", "post"};
    std::string method = in.ConsumeIntegralInRange<int>(0, 15) == 0 ? random_text(in)
                                                                    : in.PickValueInArray(kMethods);
    const std::string path = request_path(world, in);
    const std::string url =
        (in.ConsumeIntegralInRange<int>(0, 15) == 0 ? random_text(in)
                                                    : std::string("https://pay.example")) +
        path + query_string(world, in);
    Json headers = Json::object();
    switch (in.ConsumeIntegralInRange<int>(0, 7)) {
    case 0:
        break;
    case 1:
        headers["authorization"] = random_text(in);
        break;
    case 2:
        headers["Authorization"] = "Bearer sk_test_nope";
        break;
    default:
        headers["authorization"] = std::string("Bearer ") + kApiKey;
        break;
    }
    std::string body;
    if (in.ConsumeIntegralInRange<int>(0, 7) == 0) {
        body = in.ConsumeRandomLengthString(256);
    } else if (method != "GET" && method != "HEAD") {
        body = dump_json(request_body(world, path, in));
        headers["content-type"] = "application/json";
    }
    if (in.ConsumeIntegralInRange<int>(0, 5) == 0) headers["content-type"] = random_text(in);
    if (in.ConsumeIntegralInRange<int>(0, 5) == 0)
        headers["idempotency-key"] = in.ConsumeBool() ? std::string("order-7") : random_text(in);
    if (in.ConsumeIntegralInRange<int>(0, 7) == 0)
        headers["user-agent"] = in.ConsumeBool() ? "Slackbot-LinkExpanding 1.0" : random_text(in);
    if (in.ConsumeIntegralInRange<int>(0, 7) == 0) headers["accept"] = "text/html";
    if (in.ConsumeIntegralInRange<int>(0, 9) == 0) headers[random_text(in)] = random_json(in, 0);
    Json request{{"method", method}, {"url", url}, {"headers", headers}, {"body", body}};
    if (in.ConsumeIntegralInRange<int>(0, 15) == 0) request["bodySize"] = random_json(in, 0);
    return Json{{"kind", "http"}, {"request", std::move(request)}};
}

void advance_clock(World& world, FuzzedDataProvider& in) {
    switch (in.ConsumeIntegralInRange<int>(0, 7)) {
    case 0:
        world.now += 3'001;
        break;
    case 1:
        world.now += 61'000;
        break;
    case 2:
        world.now += 3'600'000;
        break;
    case 3:
        world.now += 2 * 86'400'000;
        break;
    case 4:
        world.now += in.ConsumeIntegralInRange<std::int64_t>(0, 40LL * 86'400'000);
        break;
    default:
        break;
    }
}

// ---------------------------------------------------------------------------------------
// The exchanges.

struct Open {
    std::uint32_t id;
    Json effects;
    int rounds = 0;
};

struct Harness {
    World world;
    engine::Engine engine;
    std::vector<Open> open;
    std::vector<std::uint32_t> closed;

    void take(const std::string& text, std::optional<std::uint32_t> expected, int rounds) {
        std::uint32_t id = 0;
        Json answer;
        switch (check_answer(text, expected, &id, &answer)) {
        case Answer::error:
            return;
        case Answer::effects:
            open.push_back(Open{id, answer["effects"], rounds});
            return;
        case Answer::done:
            closed.push_back(id);
            if (answer.contains("followUps"))
                for (const auto& message : answer["followUps"])
                    world.follow_ups.push_back(message);
            return;
        }
    }

    void start(Json message, FuzzedDataProvider* in) {
        message["now"] = world.now;
        message["entropy"] = entropy_for(world);
        if (in && in->ConsumeIntegralInRange<int>(0, 31) == 0) {
            // A shim gone wrong: any field of the start message may be off.
            mutate_json(message, *in);
        }
        take(engine.start(dump_json(message)), std::nullopt, 0);
    }

    /// Answers every effect of open exchange `index`; honest when `in` is null.
    void resume(std::size_t index, FuzzedDataProvider* in) {
        Open exchange = std::move(open[index]);
        open.erase(open.begin() + static_cast<std::ptrdiff_t>(index));
        if (exchange.rounds >= kMaxRoundsPerExchange) return; // abandoned: the engine keeps it
        Json results = Json::array();
        for (const auto& effect : exchange.effects)
            results.push_back(in ? answer_effect(world, effect, *in) : honest(world, effect));
        if (in && in->ConsumeIntegralInRange<int>(0, 15) == 0) {
            // Too few, too many, or no results at all.
            switch (in->ConsumeIntegralInRange<int>(0, 3)) {
            case 0:
                if (!results.empty()) results.erase(results.size() - 1);
                break;
            case 1:
                results.push_back(random_json(*in, 1));
                break;
            case 2:
                results = random_json(*in, 1);
                break;
            default:
                results = Json::array();
                break;
            }
        }
        take(engine.resume(dump_json(Json{{"exchange", exchange.id}, {"results", results}})),
             exchange.id, exchange.rounds + 1);
    }

    /// Runs `message` to completion with honest answers (for building the initial state).
    void run_honestly(Json message) {
        start(std::move(message), nullptr);
        while (!open.empty())
            resume(open.size() - 1, nullptr);
    }
};

// ---------------------------------------------------------------------------------------
// The initial state, built once by real requests.

Json api(const char* method, const std::string& path, const Json& body = nullptr) {
    Json headers{{"authorization", std::string("Bearer ") + kApiKey}};
    std::string text;
    if (!body.is_null()) {
        headers["content-type"] = "application/json";
        text = dump_json(body);
    }
    return Json{{"kind", "http"},
                {"request",
                 {{"method", method},
                  {"url", "https://pay.example" + path},
                  {"headers", headers},
                  {"body", text}}}};
}

Json page(const std::string& path) {
    return Json{{"kind", "http"},
                {"request",
                 {{"method", "GET"},
                  {"url", "https://pay.example" + path},
                  {"headers", Json::object()},
                  {"body", ""}}}};
}

/// Pays a stored session: the share of its amount due (in percent), mined at the head.
void pay(World& world, const std::string& session_key, unsigned percent, std::uint64_t log_index) {
    auto it = world.kv.find(session_key);
    if (it == world.kv.end()) return;
    auto session = parse_json(it->second.value).value_or(Json::object());
    auto due = num::parse_decimal_u256(str(session, "due"));
    if (!due) return;
    Transfer t;
    t.to_topic = topic_of(str(session, "deposit"));
    t.value = *due * percent / 100;
    t.block = world.head;
    t.log_index = log_index;
    t.tx = "0x" + std::string(63, 'e') + static_cast<char>('0' + world.transfers.size() % 10);
    world.transfers.push_back(std::move(t));
}

const World& initial_world() {
    static const World world = [] {
        Harness h;
        h.engine.configure(dump_json(environment()));
        h.run_honestly(api("POST", "/api/v1/webhook_endpoints",
                           Json{{"url", "https://merchant.example/hooks"}}));
        h.run_honestly(
            api("POST", "/api/v1/payment_links",
                Json{{"title", "Summer tee"}, {"fiatAmount", "25.00"}, {"slug", "summer-tee"}}));
        h.run_honestly(
            api("POST", "/api/v1/payment_links",
                Json{{"title", "Hat"}, {"fiatAmount", "1000"}, {"fiatCurrency", "JPY"}}));
        h.run_honestly(page("/l/summer-tee"));
        h.run_honestly(api(
            "POST", "/api/v1/checkout_sessions",
            Json{{"fiatAmount", "12.34"}, {"title", "Order 7"}, {"metadata", {{"order", "7"}}}}));
        h.run_honestly(
            api("POST", "/api/v1/checkout_sessions",
                Json{{"fiatAmount", "9.99"}, {"fiatCurrency", "EUR"}, {"title", "Order 8"}}));
        // One session paid in full, one in part, one overpaid; all confirmed.
        auto sessions = known_keys(h.world, "cs/");
        for (std::size_t i = 0; i < sessions.size(); ++i)
            pay(h.world, sessions[i], i == 0 ? 100 : i == 1 ? 50 : 120, i);
        h.world.head += 3;
        h.world.now += 4'000;
        for (const auto& key : sessions)
            h.run_honestly(page("/c/" + key.substr(3) + "/status"));
        h.world.now += 4'000;
        h.run_honestly(Json{{"kind", "scheduled"}, {"cron", "* * * * *"}});
        // Deliveries: every other one fails, so retries are pending.
        auto follow_ups = std::move(h.world.follow_ups);
        h.world.follow_ups.clear();
        for (std::size_t i = 0; i < follow_ups.size(); ++i) {
            h.world.merchant_down = i % 2 == 0;
            h.run_honestly(std::move(follow_ups[i]));
        }
        h.world.merchant_down = false;
        return h.world;
    }();
    return world;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    (void)initial_world();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 16384) return 0;
    FuzzedDataProvider in(data, size);
    Harness h;
    h.world = initial_world();
    auto env = environment();
    if (in.ConsumeIntegralInRange<int>(0, 31) == 0) mutate_json(env, in);
    const auto configured = h.engine.configure(dump_json(env));
    FUZZ_CHECK(parse_json(configured).has_value(), configured);

    for (int step = 0; step < kMaxSteps && in.remaining_bytes() > 0; ++step) {
        const int action = in.ConsumeIntegralInRange<int>(0, 15);
        if (!h.open.empty() && action >= 6) {
            h.resume(in.ConsumeIntegralInRange<std::size_t>(0, h.open.size() - 1), &in);
            continue;
        }
        advance_clock(h.world, in);
        switch (in.ConsumeIntegralInRange<int>(0, 11)) {
        case 9:
            h.start(Json{{"kind", "scheduled"},
                         {"cron", in.ConsumeBool() ? "* * * * *" : random_text(in)}},
                    &in);
            break;
        case 10: {
            Json message{{"kind", "deliver"}};
            if (!h.world.follow_ups.empty()) {
                message = h.world.follow_ups.back();
                h.world.follow_ups.pop_back();
            } else {
                message["event"] =
                    in.ConsumeBool() ? Json(fill(h.world, "evt/", in)) : random_json(in, 0);
            }
            h.start(std::move(message), &in);
            break;
        }
        case 11: {
            // Raw bytes, or a protocol message of the wrong shape, to either entry point.
            std::string text = in.ConsumeBool() ? in.ConsumeRandomLengthString(128)
                                                : dump_json(random_json(in, 3));
            if (in.ConsumeBool()) {
                h.take(h.engine.start(text), std::nullopt, 0);
            } else {
                auto answer = h.engine.resume(text);
                auto parsed = parse_json(answer);
                FUZZ_CHECK(parsed && parsed->is_object(), answer);
                if (parsed->contains("exchange")) {
                    // The garbage named an open exchange and resumed it: it is no longer waiting
                    // for what we thought.
                    const auto id = (*parsed)["exchange"];
                    std::erase_if(h.open, [&](const Open& o) { return id == o.id; });
                    h.take(answer, std::nullopt, 0);
                }
            }
            break;
        }
        default:
            h.start(http_start(h.world, in), &in);
            break;
        }
        // Resuming one that has finished is a protocol error, not a crash.
        if (!h.closed.empty() && in.ConsumeIntegralInRange<int>(0, 15) == 0) {
            auto answer = h.engine.resume(
                dump_json(Json{{"exchange", h.closed.back()}, {"results", Json::array()}}));
            FUZZ_CHECK(parse_json(answer).has_value() && parse_json(answer)->contains("error"),
                       answer);
        }
    }
    // Whatever is still open finishes with honest answers, within the bound.
    while (!h.open.empty())
        h.resume(h.open.size() - 1, nullptr);
    return 0;
}
