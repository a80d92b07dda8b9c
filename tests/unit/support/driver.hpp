#pragma once
// A deterministic driver for the engine: it speaks exactly the start/resume protocol the
// shim speaks, with an in-memory KV, a controlled clock, counted entropy and a scripted
// chain, so whole scenarios run natively and in wasm without a runtime.
#include "core/engine/engine.hpp"
#include "core/util/json.hpp"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace paylinks::testing {

struct StoredValue {
    std::string value;
    Json metadata;
};

struct HttpAnswer {
    int status = 0;
    Json headers;
    std::string body;
    Json json; ///< body parsed, or null

    [[nodiscard]] std::string error_code() const {
        if (!json.is_object() || !json.contains("error")) return {};
        return json["error"].value("code", "");
    }
    [[nodiscard]] std::string error_param() const {
        if (!json.is_object() || !json.contains("error")) return {};
        return json["error"].value("param", "");
    }
};

class Driver {
public:
    /// A complete local configuration (the addresses a fresh anvil deployment gets).
    static Json default_env();
    explicit Driver(Json env = default_env());

    std::int64_t now_ms = 1'795'000'000'000;
    /// Where requests appear to be addressed (scheme and host of their URL).
    std::string origin = "https://pay.example";
    std::map<std::string, StoredValue> kv;
    std::vector<Json> effect_log;
    /// For each effect of effect_log, the number of the batch the engine issued it in (the
    /// shim runs a batch at once, so only effects in later batches are known to follow).
    std::vector<std::size_t> effect_batch;
    /// Answers rpc effects; by default every call fails.
    std::function<Json(const Json& effect)> rpc;
    /// Answers http effects; by default every call fails.
    std::function<Json(const Json& effect)> http;
    /// The rate limiting bindings by name, each a limit of uses per key (the driver never
    /// resets the counts: its minute does not end). A binding not listed is absent: its
    /// limit effects fail, as the shim's do.
    std::map<std::string, int> limits;
    /// Uses counted so far, by "BINDING key".
    std::map<std::string, int> limit_uses;
    /// When set, decides the result of a KV effect instead of the store (fault injection).
    std::function<std::optional<Json>(const Json& effect)> kv_fault;

    HttpAnswer request(const std::string& method, const std::string& path,
                       const std::string& body = "", Json headers = Json::object());
    /// The same with the body as the shim passes it: a text, or null for bytes that are not
    /// UTF-8, and `body_size` the full size in bytes (more than the text when not passed).
    HttpAnswer request_as_passed(const std::string& method, const std::string& path, Json body,
                                 std::size_t body_size, Json headers);
    HttpAnswer api(const std::string& method, const std::string& path, const Json& body = nullptr,
                   const std::string& key = "sk_test_local");
    Json scheduled(const std::string& cron = "* * * * *");
    /// Follow-up exchanges the engine asked for (webhook deliveries), not yet run.
    std::vector<Json> follow_ups;
    void run_follow_ups();

    engine::Engine engine;
    std::string configure_answer;

private:
    Json run(Json start);
    Json perform(const Json& effect);
    std::uint64_t entropy_counter_ = 0;
    std::size_t batches_ = 0;
};

} // namespace paylinks::testing
