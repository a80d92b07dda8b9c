#include "support/driver.hpp"

#include <cstdio>

namespace paylinks::testing {

Json Driver::default_env() {
    return Json{{"API_KEY", "sk_test_local"},
                {"NETWORK", "local"},
                {"RPC_URL", "http://127.0.0.1:8545"},
                {"TOKEN_ADDRESS", "0x5FbDB2315678afecb367f032d93F642f64180aa3"},
                {"FORWARDER_FACTORY", "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0"},
                {"FORWARDER_IMPLEMENTATION", "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512"},
                {"CONFIRMATIONS", "2"},
                {"TOKEN_DECIMALS", "6"}};
}

Driver::Driver(Json env) {
    configure_answer = engine.configure(dump_json(env));
}

Json Driver::perform(const Json& effect) {
    effect_log.push_back(effect);
    const std::string op = effect.value("op", "");
    if (op.rfind("kv.", 0) == 0 && kv_fault) {
        if (auto forced = kv_fault(effect)) return *forced;
    }
    if (op == "kv.get") {
        auto it = kv.find(effect.value("key", ""));
        return it == kv.end() ? Json{{"ok", true}, {"value", nullptr}}
                              : Json{{"ok", true}, {"value", it->second.value}};
    }
    if (op == "kv.put") {
        kv[effect.value("key", "")] =
            StoredValue{effect.value("value", ""), effect.value("metadata", Json(nullptr))};
        return Json{{"ok", true}};
    }
    if (op == "kv.delete") {
        kv.erase(effect.value("key", ""));
        return Json{{"ok", true}};
    }
    if (op == "kv.list") {
        const std::string prefix = effect.value("prefix", "");
        const int limit = effect.value("limit", 1000);
        const std::string cursor = effect.value("cursor", "");
        Json keys = Json::array();
        auto it = cursor.empty() ? kv.lower_bound(prefix) : kv.upper_bound(cursor);
        std::string last;
        for (; it != kv.end() && it->first.rfind(prefix, 0) == 0; ++it) {
            if (static_cast<int>(keys.size()) == limit) {
                return Json{{"ok", true}, {"keys", keys}, {"complete", false}, {"cursor", last}};
            }
            keys.push_back(Json{{"name", it->first}, {"metadata", it->second.metadata}});
            last = it->first;
        }
        return Json{{"ok", true}, {"keys", keys}, {"complete", true}, {"cursor", ""}};
    }
    if (op == "rpc") return rpc ? rpc(effect) : Json{{"ok", false}, {"error", "no rpc"}};
    if (op == "http") return http ? http(effect) : Json{{"ok", false}, {"error", "no http"}};
    if (op == "limit") {
        const std::string binding = effect.value("binding", "");
        auto limit = limits.find(binding);
        if (limit == limits.end())
            return Json{{"ok", false}, {"error", "no rate limiting binding " + binding}};
        const int used = ++limit_uses[binding + " " + effect.value("key", "")];
        return Json{{"ok", true}, {"success", used <= limit->second}};
    }
    if (op == "qr.svg") return Json{{"ok", true}, {"value", "<svg data-qr=\"test\"></svg>"}};
    return Json{{"ok", false}, {"error", "unknown op"}};
}

Json Driver::run(Json start) {
    start["now"] = now_ms;
    char entropy[65];
    ++entropy_counter_;
    std::snprintf(entropy, sizeof entropy, "%064llx",
                  static_cast<unsigned long long>(entropy_counter_));
    start["entropy"] = entropy;
    auto answer = parse_json(engine.start(dump_json(start))).value_or(Json{});
    for (int rounds = 0; answer.contains("effects") && rounds < 10000; ++rounds) {
        Json results = Json::array();
        ++batches_;
        for (const auto& effect : answer["effects"]) {
            results.push_back(perform(effect));
            effect_batch.push_back(batches_);
        }
        answer = parse_json(engine.resume(dump_json(
                                Json{{"exchange", answer["exchange"]}, {"results", results}})))
                     .value_or(Json{});
    }
    if (answer.contains("followUps"))
        for (const auto& message : answer["followUps"])
            follow_ups.push_back(message);
    return answer;
}

void Driver::run_follow_ups() {
    auto pending = std::move(follow_ups);
    follow_ups.clear();
    for (auto& message : pending)
        run(message);
}

HttpAnswer Driver::request(const std::string& method, const std::string& path,
                           const std::string& body, Json headers) {
    return request_as_passed(method, path, body, body.size(), std::move(headers));
}

HttpAnswer Driver::request_as_passed(const std::string& method, const std::string& path, Json body,
                                     std::size_t body_size, Json headers) {
    Json start{{"kind", "http"},
               {"request",
                {{"method", method},
                 {"url", origin + path},
                 {"headers", std::move(headers)},
                 {"body", std::move(body)},
                 {"bodySize", body_size}}}};
    auto answer = run(std::move(start));
    HttpAnswer out;
    if (!answer.contains("response")) return out;
    const auto& response = answer["response"];
    out.status = response.value("status", 0);
    out.headers = response.value("headers", Json::object());
    out.body = response.value("body", "");
    out.json = parse_json(out.body).value_or(Json(nullptr));
    return out;
}

HttpAnswer Driver::api(const std::string& method, const std::string& path, const Json& body,
                       const std::string& key) {
    Json headers = Json::object();
    if (!key.empty()) headers["authorization"] = "Bearer " + key;
    std::string text;
    if (!body.is_null()) {
        headers["content-type"] = "application/json";
        text = dump_json(body);
    }
    return request(method, path, text, std::move(headers));
}

Json Driver::scheduled(const std::string& cron) {
    auto answer = run(Json{{"kind", "scheduled"}, {"cron", cron}});
    run_follow_ups();
    return answer;
}

} // namespace paylinks::testing
