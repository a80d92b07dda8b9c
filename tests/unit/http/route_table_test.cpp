// The route table's policies, walked row by row: who may call each route, which anonymous
// limits it counts against, and what it may cost.
#include "core/http/router.hpp"
#include "support/driver.hpp"
#include "support/scripted_chain.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <string>

using paylinks::Json;
using paylinks::http::Access;
using paylinks::http::route_table;
using paylinks::testing::Driver;
using paylinks::testing::HttpAnswer;

namespace {

// A path the pattern matches, naming objects that do not exist (and an asset that does).
std::string sample_path(std::string_view pattern) {
    if (pattern == "/assets/{}") return "/assets/checkout.css";
    std::string path(pattern);
    for (auto at = path.find("{}"); at != std::string::npos; at = path.find("{}"))
        path.replace(at, 2, "xx_missing");
    return path;
}

// A body an anonymous caller may send: sessions_create takes one in link mode only.
HttpAnswer call(Driver& driver, std::string_view method, const std::string& path,
                std::optional<std::string> authorization) {
    Json headers = Json::object();
    if (authorization) headers["authorization"] = *authorization;
    std::string body;
    if (method == "POST" || method == "PATCH") {
        headers["content-type"] = "application/json";
        body = path == "/api/v1/checkout_sessions" ? R"({"linkId":"pl_missing"})" : "{}";
    }
    return driver.request(std::string(method), path, body, std::move(headers));
}

struct Spent {
    int kv_reads = 0, kv_writes = 0, kv_lists = 0, rpc_calls = 0;
};

Spent spent_since(const Driver& driver, std::size_t from) {
    Spent out;
    for (std::size_t i = from; i < driver.effect_log.size(); ++i) {
        const std::string op = driver.effect_log[i].value("op", "");
        if (op == "kv.get") ++out.kv_reads;
        if (op == "kv.put" || op == "kv.delete") ++out.kv_writes;
        if (op == "kv.list") ++out.kv_lists;
        if (op == "rpc") ++out.rpc_calls;
    }
    return out;
}

} // namespace

TEST_CASE("every private route answers 401 without a key and with a wrong one; no public "
          "route asks for one",
          "[http][router][auth]") {
    Driver driver;
    int private_routes = 0, public_routes = 0;
    for (const auto& spec : route_table()) {
        const auto path = sample_path(spec.pattern);
        CAPTURE(spec.method, path);
        auto anonymous = call(driver, spec.method, path, std::nullopt);
        if (spec.policy.access == Access::secret_key) {
            ++private_routes;
            CHECK(anonymous.status == 401);
            CHECK(anonymous.error_code() == "api_key_missing");
            auto wrong = call(driver, spec.method, path, "Bearer sk_test_wrong");
            CHECK(wrong.status == 401);
            CHECK(wrong.error_code() == "api_key_invalid");
            auto malformed = call(driver, spec.method, path, "Basic c2tfdGVzdF9sb2NhbA==");
            CHECK(malformed.status == 401);
            CHECK(call(driver, spec.method, path, "Bearer sk_test_local").status != 401);
        } else {
            ++public_routes;
            CHECK(anonymous.status != 401);
            CHECK(anonymous.status != 0);
        }
        // Whatever the route, routing finds it: no 404 route_missing or 405 for its own row.
        CHECK(anonymous.error_code() != "route_missing");
        CHECK(anonymous.error_code() != "method_not_allowed");
    }
    CHECK(private_routes == 27);
    CHECK(public_routes == 9);
}

TEST_CASE("a wrong key is refused where a key changes what the call may do, and only there",
          "[http][router][auth]") {
    Driver driver;
    for (const auto& spec : route_table()) {
        if (spec.policy.access != Access::optional_key) continue;
        auto wrong = call(driver, spec.method, sample_path(spec.pattern), "Bearer sk_test_wrong");
        CHECK(wrong.status == 401);
    }
    // An open route ignores a wrong key (it only does not exempt the caller from limits).
    CHECK(call(driver, "GET", "/healthz", "Bearer sk_test_wrong").status == 200);
}

TEST_CASE("anonymous requests are counted in one batch and refused with 429 past a limit; "
          "keyed ones are not counted",
          "[http][router][limits]") {
    Driver driver;
    driver.limits = {{"LIMIT_REQUESTS_PER_CLIENT", 2},
                     {"LIMIT_VERIFY_PER_CLIENT", 100},
                     {"LIMIT_VERIFY_PER_SESSION", 100},
                     {"LIMIT_CHAIN_CHECKS_PER_SESSION", 100}};
    Json from_a{{"cf-connecting-ip", "203.0.113.7"}};
    CHECK(driver.request("GET", "/healthz", "", from_a).status == 200);
    CHECK(driver.request("GET", "/healthz", "", from_a).status == 200);
    auto refused = driver.request("GET", "/healthz", "", from_a);
    CHECK(refused.status == 429);
    CHECK(refused.headers["retry-after"] == "60");
    CHECK(refused.json["error"]["type"] == "rate_limit_error");
    CHECK(refused.error_code() == "rate_limited");
    CHECK(refused.json["error"]["message"].get<std::string>().find("LIMIT_REQUESTS_PER_CLIENT") !=
          std::string::npos);
    // A page answers with an HTML page.
    auto page = driver.request("GET", "/l/some-link", "", from_a);
    CHECK(page.status == 429);
    CHECK(page.headers["content-type"].get<std::string>().find("text/html") == 0);
    CHECK(page.headers["retry-after"] == "60");
    // Another client, and the merchant, are served.
    CHECK(
        driver.request("GET", "/healthz", "", Json{{"cf-connecting-ip", "198.51.100.1"}}).status ==
        200);
    const auto uses = driver.limit_uses;
    CHECK(driver.api("GET", "/api/v1/payment_links").status == 200);
    CHECK(driver.limit_uses == uses);

    // A verify's four counts go out together, in one batch.
    const auto from = driver.effect_log.size();
    driver.request(
        "POST", "/c/cs_missing/verify", "{}",
        Json{{"cf-connecting-ip", "198.51.100.2"}, {"content-type", "application/json"}});
    std::map<std::size_t, int> limits_by_batch;
    for (std::size_t i = from; i < driver.effect_log.size(); ++i)
        if (driver.effect_log[i].value("op", "") == "limit")
            ++limits_by_batch[driver.effect_batch[i]];
    REQUIRE(limits_by_batch.size() == 1);
    CHECK(limits_by_batch.begin()->second == 4);
}

TEST_CASE("a failing limiter lets the request through and says so", "[http][router][limits]") {
    Driver driver; // no bindings: every limit effect fails
    auto answer = driver.request("GET", "/healthz");
    CHECK(answer.status == 200);
    CHECK(answer.headers["paylinks-rate-limit"] == "unavailable");
    CHECK(!driver.api("GET", "/healthz").headers.contains("paylinks-rate-limit"));
}

TEST_CASE("routes spend no more than their budget", "[http][router][budget]") {
    Driver driver;
    paylinks::testing::ScriptedChain chain;
    driver.rpc = [&chain](const Json& effect) { return chain.answer(effect); };
    auto link = driver.api("POST", "/api/v1/payment_links",
                           Json{{"title", "Tee"}, {"fiatAmount", "15.00"}});
    REQUIRE(link.status == 201);
    const auto link_id = link.json["id"].get<std::string>();
    const auto slug = link.json["slug"].get<std::string>();
    auto endpoint = driver.api("POST", "/api/v1/webhook_endpoints",
                               Json{{"url", "https://merchant.example/hook"}});
    REQUIRE(endpoint.status == 201);

    struct Case {
        std::string method, path;
        Json body;
        bool keyed;
    };
    std::string session_id;
    auto measure = [&](const Case& c) {
        const auto from = driver.effect_log.size();
        HttpAnswer answer;
        if (c.keyed) {
            answer = driver.api(c.method, c.path, c.body);
        } else {
            Json headers = Json::object();
            std::string body;
            if (!c.body.is_null()) {
                headers["content-type"] = "application/json";
                body = paylinks::dump_json(c.body);
            }
            answer = driver.request(c.method, c.path, body, headers);
        }
        auto matched = paylinks::http::match_route(c.method == "HEAD" ? "GET" : c.method,
                                                   c.path.substr(0, c.path.find('?')));
        REQUIRE(std::holds_alternative<paylinks::http::RouteMatch>(matched));
        const auto budget = std::get<paylinks::http::RouteMatch>(matched).policy.budget;
        const auto spent = spent_since(driver, from);
        CAPTURE(c.method, c.path, answer.status, spent.kv_reads, spent.kv_writes, spent.kv_lists,
                spent.rpc_calls);
        CHECK(answer.status < 500);
        CHECK(spent.kv_reads <= budget.kv_reads);
        CHECK(spent.kv_writes <= budget.kv_writes);
        CHECK(spent.kv_lists <= budget.kv_lists);
        CHECK(spent.rpc_calls <= budget.rpc_calls);
        driver.now_ms += 4000; // past the chain-check throttle
        return answer;
    };

    auto visit = measure({"GET", "/l/" + slug, nullptr, false});
    REQUIRE(visit.status == 303);
    session_id = visit.headers["location"].get<std::string>().substr(3);
    auto created = measure({"POST", "/api/v1/checkout_sessions", Json{{"linkId", link_id}}, false});
    REQUIRE(created.status == 201);
    measure({"POST", "/api/v1/checkout_sessions",
             Json{{"fiatAmount", "9.99"}, {"fiatCurrency", "USD"}}, true});
    measure({"GET", "/c/" + session_id, nullptr, false});
    measure({"GET", "/c/" + session_id + "/status", nullptr, false});
    measure({"POST", "/c/" + session_id + "/verify",
             Json{{"transactionHash", "0x" + std::string(64, 'a')}}, false});
    measure({"GET", "/api/v1/checkout_sessions/" + session_id, nullptr, true});
    measure({"GET", "/api/v1/checkout_sessions?limit=100", nullptr, true});
    measure({"GET", "/api/v1/payment_links/" + link_id, nullptr, true});
    measure({"GET", "/api/v1/payment_links?limit=100", nullptr, true});
    measure({"PATCH", "/api/v1/payment_links/" + link_id, Json{{"title", "Shirt"}}, true});
    measure({"GET", "/api/v1/events?limit=100", nullptr, true});
    measure({"GET", "/api/v1/webhook_endpoints", nullptr, true});
    measure({"POST", "/api/v1/checkout_sessions/" + session_id + "/expire", Json::object(), true});
    measure({"DELETE", "/api/v1/payment_links/" + link_id, nullptr, true});
    measure({"GET", "/healthz", nullptr, false});
    // A sweep the chain does not know is refused after its receipt; lists and balances.
    measure({"POST", "/api/v1/sweeps",
             Json{{"transactionHash", "0x" + std::string(64, 'b')},
                  {"sessions", Json::array({session_id})}},
             true});
    measure({"GET", "/api/v1/sweeps?limit=100", nullptr, true});
    measure({"GET", "/api/v1/sweeps/sw_01JZ0000000000000000000001", nullptr, true});
    measure({"GET", "/api/v1/balances", nullptr, true});
    // Refunds: refused for a session with nothing confirmed; lists; an unknown one.
    measure({"POST", "/api/v1/checkout_sessions/" + session_id + "/refunds", Json::object(), true});
    measure({"GET", "/api/v1/checkout_sessions/" + session_id + "/refunds", nullptr, true});
    measure({"GET", "/api/v1/refunds?limit=100", nullptr, true});
    measure({"GET", "/api/v1/refunds/re_01JZ0000000000000000000001", nullptr, true});
}
