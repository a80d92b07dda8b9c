// Native core timings for `make bench` (bench/run.mjs runs this and reads its JSON).
//
// The same scenarios as the wasm harness (bench/harness.mjs), through the same entry points
// (Engine::configure/start/resume on JSON text), with every effect answered in memory: a
// sorted KV and a JSON-RPC node that answers instantly. Only the engine's calls are timed.
//
//   core_bench [--runs N] [--warmup N] [--scan-sessions N]
//
// Prints one JSON object: per request kind {median, p10, p90, n} in µs, derivations per
// second, and the 10,000-session scan.
#include "core/engine/engine.hpp"
#include "core/eth/address.hpp"
#include "core/eth/create2.hpp"
#include "core/tools/tools.hpp"
#include "core/util/json.hpp"

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <map>
#include <string>
#include <vector>

using paylinks::dump_json;
using paylinks::Json;
using paylinks::parse_json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kBenchBlockHash =
    "0xabababababababababababababababababababababababababababababababab";
constexpr const char* kToken = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
constexpr const char* kFactory = "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0";
constexpr const char* kImplementation = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
constexpr const char* kTransferTopic =
    "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef";

Json bench_env() {
    return Json{{"API_KEY", "sk_test_local"},
                {"NETWORK", "local"},
                {"RPC_URL", "http://127.0.0.1:9"},
                {"TOKEN_ADDRESS", kToken},
                {"FORWARDER_FACTORY", kFactory},
                {"FORWARDER_IMPLEMENTATION", kImplementation},
                {"CONFIRMATIONS", "2"},
                {"TOKEN_DECIMALS", "6"}};
}

double micros(Clock::duration d) {
    return std::chrono::duration<double, std::micro>(d).count();
}

std::string hex64(std::uint64_t a, std::uint64_t b) {
    char out[65];
    std::snprintf(out, sizeof out, "%016" PRIx64 "%016" PRIx64 "%016" PRIx64 "%016" PRIx64, a, b,
                  static_cast<std::uint64_t>(a * 0x9e3779b97f4a7c15ull),
                  static_cast<std::uint64_t>(b ^ 0xda942042e4dd58b5ull));
    return out;
}

std::string pad32(std::string address) {
    for (auto& c : address)
        if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    return "0x" + std::string(24, '0') + address.substr(2);
}

std::string quantity(std::uint64_t value) {
    char out[24];
    std::snprintf(out, sizeof out, "0x%" PRIx64, value);
    return out;
}

struct Stored {
    std::string value;
    Json metadata;
};

// One engine with its in-memory world, as the worker would see it.
struct World {
    paylinks::engine::Engine engine;
    std::map<std::string, Stored> kv;
    std::map<std::string, Json> receipts;
    std::uint64_t head = 0x100000;
    std::int64_t now = 1'795'000'000'000;
    std::uint64_t entropy = 0;
    std::size_t kv_lists = 0;
    std::size_t rpc_calls = 0;

    World() { (void)engine.configure(dump_json(bench_env())); }

    Json perform(const Json& effect) {
        const std::string op = effect.value("op", "");
        if (op == "kv.get") {
            auto it = kv.find(effect.value("key", ""));
            return it == kv.end() ? Json{{"ok", true}, {"value", nullptr}}
                                  : Json{{"ok", true}, {"value", it->second.value}};
        }
        if (op == "kv.put") {
            kv[effect.value("key", "")] =
                Stored{effect.value("value", ""), effect.value("metadata", Json(nullptr))};
            return Json{{"ok", true}};
        }
        if (op == "kv.delete") {
            kv.erase(effect.value("key", ""));
            return Json{{"ok", true}};
        }
        if (op == "kv.list") {
            ++kv_lists;
            const std::string prefix = effect.value("prefix", "");
            const int limit = effect.value("limit", 1000);
            const std::string cursor = effect.value("cursor", "");
            Json keys = Json::array();
            auto it = cursor.empty() ? kv.lower_bound(prefix) : kv.upper_bound(cursor);
            for (; it != kv.end() && it->first.rfind(prefix, 0) == 0; ++it) {
                if (static_cast<int>(keys.size()) == limit)
                    return Json{{"ok", true},
                                {"keys", keys},
                                {"complete", false},
                                {"cursor", keys.back()["name"]}};
                keys.push_back(Json{{"name", it->first}, {"metadata", it->second.metadata}});
            }
            return Json{{"ok", true}, {"keys", keys}, {"complete", true}, {"cursor", ""}};
        }
        if (op == "rpc") {
            ++rpc_calls;
            const std::string method = effect.value("method", "");
            if (method == "eth_chainId") return Json{{"ok", true}, {"value", "0x7a69"}};
            if (method == "eth_blockNumber") return Json{{"ok", true}, {"value", quantity(head)}};
            if (method == "eth_getLogs") return Json{{"ok", true}, {"value", Json::array()}};
            if (method == "eth_call") { // the token's decimals() (6) and symbol() ("USDC")
                const bool decimals = effect["params"][0].value("data", "") == "0x313ce567";
                return Json{{"ok", true},
                            {"value", decimals ? "0x" + std::string(63, '0') + "6"
                                               : "0x" + std::string(62, '0') + "20" +
                                                     std::string(63, '0') + "4" + "55534443" +
                                                     std::string(56, '0')}};
            }
            if (method == "eth_getBlockByNumber") // every block has the same hash here
                return Json{{"ok", true},
                            {"value",
                             {{"number", effect["params"][0]},
                              {"hash", kBenchBlockHash},
                              {"timestamp", quantity(1'795'000'000)}}}};
            if (method == "eth_getTransactionReceipt") {
                const auto& params = effect["params"];
                auto it = params.is_array() && !params.empty() && params[0].is_string()
                              ? receipts.find(params[0].get<std::string>())
                              : receipts.end();
                return Json{{"ok", true},
                            {"value", it == receipts.end() ? Json(nullptr) : it->second}};
            }
            return Json{{"ok", false}, {"error", "method not stubbed"}};
        }
        if (op == "qr.svg") return Json{{"ok", true}, {"value", "<svg></svg>"}};
        return Json{{"ok", false}, {"error", "not available in the bench"}};
    }

    struct Outcome {
        Json answer;
        double core_us = 0;     ///< wall-clock time of the engine's calls
        double core_cpu_ms = 0; ///< their CPU time, when asked for (long exchanges only)
    };

    // Wall-clock (steady_clock) for the short per-request calls, whose medians a busy
    // machine's preemptions don't reach; with `cpu`, also CPU time (std::clock, a system
    // call), for the long scan, which preemptions would inflate.
    Outcome exchange(Json message, bool cpu = false) {
        message["now"] = ++now;
        ++entropy;
        message["entropy"] = hex64(entropy, 0x5eed);
        Outcome out;
        auto timed = [&](auto&& call) {
            const std::clock_t c0 = cpu ? std::clock() : 0;
            const auto t0 = Clock::now();
            std::string answer_text = call();
            out.core_us += micros(Clock::now() - t0);
            if (cpu)
                out.core_cpu_ms += 1000.0 * static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
            return answer_text;
        };
        std::string text = dump_json(message);
        out.answer = parse_json(timed([&] { return engine.start(text); })).value_or(Json{});
        while (out.answer.contains("effects")) {
            Json results = Json::array();
            for (const auto& effect : out.answer["effects"])
                results.push_back(perform(effect));
            text = dump_json(
                Json{{"exchange", out.answer["exchange"]}, {"results", std::move(results)}});
            out.answer = parse_json(timed([&] { return engine.resume(text); })).value_or(Json{});
        }
        // Background work the worker would start after answering (webhook deliveries).
        if (out.answer.contains("followUps"))
            for (const auto& follow_up : out.answer["followUps"])
                (void)exchange(follow_up);
        return out;
    }

    struct Answer {
        int status = 0;
        Json headers;
        Json json;
        double core_us = 0;
    };

    Answer request(const std::string& method, const std::string& path, const Json& body = nullptr,
                   bool keyed = true) {
        Json headers = Json::object();
        if (keyed) headers["authorization"] = "Bearer sk_test_local";
        std::string text;
        if (!body.is_null()) {
            headers["content-type"] = "application/json";
            text = dump_json(body);
        }
        auto size = text.size();
        auto out = exchange(Json{{"kind", "http"},
                                 {"request",
                                  {{"method", method},
                                   {"url", "https://pay.example" + path},
                                   {"headers", std::move(headers)},
                                   {"body", std::move(text)},
                                   {"bodySize", size}}}});
        Answer answer;
        answer.core_us = out.core_us;
        if (!out.answer.contains("response")) return answer;
        const auto& response = out.answer["response"];
        answer.status = response.value("status", 0);
        answer.headers = response.value("headers", Json::object());
        answer.json = parse_json(response.value("body", "")).value_or(Json(nullptr));
        return answer;
    }
};

struct Stats {
    double median = 0, p10 = 0, p90 = 0;
    std::size_t n = 0;
};

Stats stats(std::vector<double> samples) {
    Stats s;
    s.n = samples.size();
    if (samples.empty()) return s;
    std::sort(samples.begin(), samples.end());
    auto at = [&](double q) {
        double pos = q * static_cast<double>(samples.size() - 1);
        auto lo = static_cast<std::size_t>(pos);
        auto hi = std::min(lo + 1, samples.size() - 1);
        return samples[lo] + (samples[hi] - samples[lo]) * (pos - static_cast<double>(lo));
    };
    s.median = at(0.5);
    s.p10 = at(0.1);
    s.p90 = at(0.9);
    return s;
}

/// A timing as a JSON number (the core's Json keeps non-integers as text; these are
/// measurements, never money).
Json figure(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", value);
    return Json::number_text(text);
}

Json to_json(const Stats& s) {
    return Json{
        {"median", figure(s.median)}, {"p10", figure(s.p10)}, {"p90", figure(s.p90)}, {"n", s.n}};
}

[[noreturn]] void fail(const std::string& what, const Json& detail = nullptr) {
    std::fprintf(stderr, "core_bench: %s %s\n", what.c_str(), dump_json(detail).c_str());
    std::exit(1);
}

const Json kLinkBody{{"title", "Bench link"}, {"fiatAmount", "25.00"}, {"fiatCurrency", "USD"}};
const Json kSessionBody{
    {"fiatAmount", "10.00"}, {"fiatCurrency", "USD"}, {"title", "Bench session"}};

// Runs `warmup` then `runs` iterations of `one` (which returns its core µs); the samples.
Stats measure(int warmup, int runs, const std::function<double(int)>& one) {
    for (int i = 0; i < warmup; ++i)
        (void)one(i);
    std::vector<double> samples;
    samples.reserve(static_cast<std::size_t>(runs));
    for (int i = 0; i < runs; ++i)
        samples.push_back(one(warmup + i));
    return stats(std::move(samples));
}

struct Created {
    std::string id;
    std::string deposit_address;
};

std::vector<Created> create_sessions(World& world, int count) {
    std::vector<Created> sessions;
    for (int i = 0; i < count; ++i) {
        auto r = world.request("POST", "/api/v1/checkout_sessions", kSessionBody);
        if (r.status != 201) fail("session create failed", r.json);
        sessions.push_back(
            {r.json["id"].get<std::string>(), r.json["depositAddress"].get<std::string>()});
    }
    return sessions;
}

std::string session_id(int run, int i) {
    // Realistic ids (cs_ + 26 Crockford base-32 characters), distinct for every batch.
    static const char* alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    std::string id = "cs_01M7Q5";
    std::uint64_t x = (static_cast<std::uint64_t>(run) << 32) ^ static_cast<std::uint64_t>(i) ^
                      0x2545F4914F6CDD1Dull;
    while (id.size() < 29) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        id += alphabet[x & 31];
    }
    return id;
}

} // namespace

int main(int argc, char** argv) {
    int runs = 2000, warmup = 300, scan_sessions = 10000, batch = 1000, batches = 15;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--runs"))
            runs = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--warmup"))
            warmup = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--scan-sessions"))
            scan_sessions = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--batches"))
            batches = std::atoi(argv[i + 1]);
    }
    Json out = Json::object();
    out["runs"] = runs;
    out["warmup"] = warmup;

    {
        World world;
        std::vector<Json> links;
        out["create_link"] = to_json(measure(warmup, runs, [&](int) {
            auto r = world.request("POST", "/api/v1/payment_links", kLinkBody);
            if (r.status != 201) fail("link create failed", r.json);
            links.push_back(r.json);
            return r.core_us;
        }));
        const std::string link_path =
            "/api/v1/payment_links/" + links.front()["id"].get<std::string>();
        out["retrieve_link"] = to_json(measure(warmup, runs, [&](int) {
            auto r = world.request("GET", link_path);
            if (r.status != 200) fail("link retrieve failed", r.json);
            return r.core_us;
        }));
        const std::string visit_path = "/l/" + links.front()["slug"].get<std::string>();
        out["session_visit"] = to_json(measure(warmup, runs, [&](int) {
            auto r = world.request("GET", visit_path, nullptr, false);
            if (r.status != 303) fail("link visit failed", r.json);
            return r.core_us;
        }));
        out["session_api"] = to_json(measure(warmup, runs, [&](int) {
            auto r = world.request("POST", "/api/v1/checkout_sessions", kSessionBody);
            if (r.status != 201) fail("session create failed", r.json);
            return r.core_us;
        }));
    }
    {
        // Status: each poll on a session not checked in the last 3 s, so the chain is asked.
        World world;
        auto ids = create_sessions(world, warmup + runs);
        std::size_t rpc_before = 0;
        out["status"] = to_json(measure(warmup, runs, [&](int i) {
            if (i == warmup) rpc_before = world.rpc_calls;
            auto r = world.request("GET", "/c/" + ids[static_cast<std::size_t>(i)].id + "/status",
                                   nullptr, false);
            if (r.status != 200) fail("status failed", r.json);
            return r.core_us;
        }));
        out["status_rpc_per_request"] =
            figure(static_cast<double>(world.rpc_calls - rpc_before) / static_cast<double>(runs));
    }
    {
        // Verify: a fresh session each time, paid in full by the stubbed receipt.
        World world;
        auto ids = create_sessions(world, warmup + runs);
        out["verify"] = to_json(measure(warmup, runs, [&](int i) {
            const auto& [id, deposit_address] = ids[static_cast<std::size_t>(i)];
            const std::string hash = "0x" + hex64(static_cast<std::uint64_t>(i) + 1, 0x7e57);
            const std::string block = quantity(world.head - 5);
            Json log{{"address", kToken},
                     {"topics", Json::array({kTransferTopic, pad32("0x" + std::string(40, '1')),
                                             pad32(deposit_address)})},
                     {"data", "0x" + std::string(58, '0') + "989680"}, // 10,000,000 = 10 USDC
                     {"transactionHash", hash},
                     {"blockNumber", block},
                     {"logIndex", "0x0"},
                     {"removed", false}};
            world.receipts[hash] = Json{{"transactionHash", hash},
                                        {"blockNumber", block},
                                        {"blockHash", kBenchBlockHash},
                                        {"status", "0x1"},
                                        {"logs", Json::array({log})}};
            auto r = world.request("POST", "/c/" + id + "/verify", Json{{"transactionHash", hash}},
                                   false);
            if (r.status != 200 || r.json.value("status", "") != "paid")
                fail("verify failed", r.json);
            return r.core_us;
        }));
    }
    {
        // Deposit addresses: the deposit_addresses tool (derive + EIP-55 + JSON), and the
        // deriver alone.
        std::vector<double> tool_items, raw_items;
        const auto factory = *paylinks::eth::parse_address(kFactory);
        const auto implementation = *paylinks::eth::parse_address(kImplementation);
        const paylinks::eth::DepositAddressDeriver deriver(factory, implementation);
        std::uint8_t sink = 0;
        for (int b = -2; b < batches; ++b) {
            Json ids = Json::array();
            std::vector<std::string> plain;
            for (int i = 0; i < batch; ++i) {
                plain.push_back(session_id(b + 100, i));
                ids.push_back(plain.back());
            }
            std::string input = dump_json(Json{{"tool", "deposit_addresses"},
                                               {"factory", kFactory},
                                               {"implementation", kImplementation},
                                               {"ids", ids}});
            auto t0 = Clock::now();
            auto answer = paylinks::tools::run_tool(input);
            double tool_us = micros(Clock::now() - t0);
            if (answer.find("\"ok\":true") == std::string::npos) fail("tool failed", answer);
            t0 = Clock::now();
            for (const auto& id : plain)
                sink ^= deriver.derive(id).bytes[19];
            double raw_us = micros(Clock::now() - t0);
            if (b >= 0) {
                tool_items.push_back(tool_us / batch);
                raw_items.push_back(raw_us / batch);
            }
        }
        out["derive_tool"] = to_json(stats(tool_items));
        out["derive_raw"] = to_json(stats(raw_items));
        out["sink"] = sink;
    }
    {
        // Transfer-log verification: the verify_logs tool over eth_getLogs-shaped logs, 90 %
        // valid, the rest from another contract or to another address (as side_by_side.mjs).
        const std::string recipient = "0x38ED32EB852B0DE2969C74C2c5c58740c6baDC1F";
        const std::string token = "0x" + pad32(kToken).substr(26); // as nodes answer: lower case
        std::vector<double> items;
        for (int b = -2; b < batches; ++b) {
            Json logs = Json::array();
            for (int i = 0; i < batch; ++i) {
                const auto u =
                    static_cast<std::uint64_t>(b + 3) * 1'000'003u + static_cast<std::uint64_t>(i);
                const int kind = i % 20;
                std::string other = "0x" + hex64(u, 7).substr(0, 40);
                logs.push_back(Json{
                    {"address", kind == 7 ? other : token},
                    {"topics", Json::array({kTransferTopic, pad32("0x" + hex64(u, 1).substr(0, 40)),
                                            pad32(kind == 13 ? other : recipient)})},
                    {"data", "0x" + hex64(0, u)},
                    {"blockHash", "0x" + hex64(u, 2)},
                    {"blockNumber", quantity(0x100000 + u)},
                    {"transactionHash", "0x" + hex64(u, 3)},
                    {"transactionIndex", quantity(static_cast<std::uint64_t>(i % 50))},
                    {"logIndex", quantity(static_cast<std::uint64_t>(i % 7))},
                    {"removed", false}});
            }
            std::string input = dump_json(Json{{"tool", "verify_logs"},
                                               {"token", kToken},
                                               {"recipient", recipient},
                                               {"logs", std::move(logs)}});
            auto t0 = Clock::now();
            auto answer = paylinks::tools::run_tool(input);
            double us = micros(Clock::now() - t0);
            const int expected = batch - (batch / 20) * 2 - (batch % 20 > 7) - (batch % 20 > 13);
            if (answer.find("\"valid\":" + std::to_string(expected) + ",") == std::string::npos)
                fail("verify_logs disagrees", answer);
            if (b >= 0) items.push_back(us / batch);
        }
        out["verify_tool"] = to_json(stats(items));
    }
    {
        // The cron scan over `scan_sessions` open sessions: one warm-up scan (a fresh
        // instance verifies eth_chainId), then steady-state scans a minute apart.
        World world;
        (void)create_sessions(world, scan_sessions);
        std::vector<double> core_ms, wall_ms;
        Json scans = Json::array();
        for (int s = 0; s < 6; ++s) {
            world.now += 60'000;
            world.head += 60;
            const auto lists0 = world.kv_lists;
            const auto rpc0 = world.rpc_calls;
            auto r = world.exchange(Json{{"kind", "scheduled"}, {"cron", "* * * * *"}}, true);
            const auto& result = r.answer["result"];
            scans.push_back(Json{{"kvLists", world.kv_lists - lists0},
                                 {"rpcCalls", world.rpc_calls - rpc0},
                                 {"reportedKvLists", result.value("kvLists", -1)},
                                 {"reportedRpcCalls", result.value("rpcCalls", -1)},
                                 {"watched", result.value("watched", -1)},
                                 {"coreMs", figure(r.core_cpu_ms)},
                                 {"coreWallMs", figure(r.core_us / 1000)}});
            if (s > 0) {
                core_ms.push_back(r.core_cpu_ms);
                wall_ms.push_back(r.core_us / 1000);
            }
        }
        out["scan"] = Json{{"sessions", scan_sessions},
                           {"runs", scans},
                           {"coreMs", to_json(stats(core_ms))},
                           {"coreWallMs", to_json(stats(wall_ms))}};
    }
    std::printf("%s\n", dump_json(out).c_str());
    return 0;
}
