#include "core/engine/read_cache.hpp"
#include "support/driver.hpp"

#include <catch2/catch.hpp>

using paylinks::Json;
using paylinks::parse_json;
using paylinks::engine::Effect;
using paylinks::engine::kv_delete;
using paylinks::engine::kv_get;
using paylinks::engine::kv_put;
using paylinks::engine::ReadCache;
using paylinks::testing::Driver;

namespace {

constexpr std::int64_t kNow = 1'795'000'000'000;

Json found(std::string value) {
    return Json{{"ok", true}, {"value", std::move(value)}};
}
Json missing() {
    return Json{{"ok", true}, {"value", nullptr}};
}
Json done() {
    return Json{{"ok", true}};
}

std::vector<Effect> batch(Effect effect) {
    std::vector<Effect> out;
    out.push_back(std::move(effect));
    return out;
}

// Reads `key` with a 60 s allowance through the cache; KV answers `result`.
void read_through(ReadCache& cache, const std::string& key, Json result) {
    auto issued = cache.issue(batch(kv_get(key, 60)));
    cache.settle(issued, {std::move(result)}, kNow);
}

std::size_t kv_reads_of(const Driver& driver, const std::string& key) {
    std::size_t n = 0;
    for (const auto& effect : driver.effect_log)
        if (effect["op"] == "kv.get" && effect["key"] == key) ++n;
    return n;
}

} // namespace

TEST_CASE("a cacheable read is answered from the copy until its allowance ends", "[engine]") {
    ReadCache cache;
    CHECK_FALSE(cache.answer(batch(kv_get("link/a", 60)), kNow)); // nothing held yet
    read_through(cache, "link/a", found("{\"v\":1}"));
    auto hit = cache.answer(batch(kv_get("link/a", 60)), kNow + 59'999);
    REQUIRE(hit);
    REQUIRE(hit->size() == 1);
    CHECK((*hit)[0] == found("{\"v\":1}"));
    CHECK_FALSE(cache.answer(batch(kv_get("link/a", 60)), kNow + 60'000));
    // A read without an allowance always goes to KV.
    CHECK_FALSE(cache.answer(batch(kv_get("link/a")), kNow));
}

TEST_CASE("each read's own allowance decides, not the one the copy was kept for", "[engine]") {
    ReadCache cache;
    auto issued = cache.issue(batch(kv_get("k", 3600)));
    cache.settle(issued, {found("v")}, kNow);
    CHECK(cache.answer(batch(kv_get("k", 3600)), kNow + 61'000));
    CHECK_FALSE(cache.answer(batch(kv_get("k", 60)), kNow + 61'000));
    CHECK(cache.answer(batch(kv_get("k", 60)), kNow + 59'000));
}

TEST_CASE("only reads with an allowance that found a value are kept", "[engine]") {
    struct Case {
        const char* what;
        Effect read;
        Json result;
    };
    const Case cases[] = {
        {"a missing key", kv_get("k", 60), missing()},
        {"a failed read", kv_get("k", 60), Json{{"ok", false}, {"error", "KV down"}}},
        {"a non-string value", kv_get("k", 60), Json{{"ok", true}, {"value", 7}}},
        {"no allowance", kv_get("k"), found("x")},
        {"an oversized value", kv_get("k", 60),
         found(std::string(ReadCache::kMaxValueBytes + 1, 'x'))},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        ReadCache cache;
        auto issued = cache.issue(batch(c.read));
        cache.settle(issued, {c.result}, kNow);
        CHECK(cache.size() == 0);
        CHECK_FALSE(cache.answer(batch(kv_get("k", 60)), kNow));
    }
}

TEST_CASE("a batch is answered from the copies only when every effect is a fresh hit", "[engine]") {
    ReadCache cache;
    read_through(cache, "a", found("1"));
    read_through(cache, "b", found("2"));
    std::vector<Effect> both;
    both.push_back(kv_get("a", 60));
    both.push_back(kv_get("b", 60));
    auto hit = cache.answer(both, kNow);
    REQUIRE(hit);
    CHECK((*hit)[1] == found("2"));

    both.push_back(kv_get("c", 60));
    CHECK_FALSE(cache.answer(both, kNow));
    std::vector<Effect> with_write;
    with_write.push_back(kv_get("a", 60));
    with_write.push_back(kv_put("z", "v"));
    CHECK_FALSE(cache.answer(with_write, kNow));
}

TEST_CASE("writes drop copies, and reads overlapping a write are not kept", "[engine]") {
    SECTION("a put or delete drops the key's copy when it is handed out") {
        for (auto write : {kv_put("a", "new"), kv_delete("a")}) {
            ReadCache cache;
            read_through(cache, "a", found("old"));
            (void)cache.issue(batch(write));
            CHECK_FALSE(cache.answer(batch(kv_get("a", 60)), kNow));
        }
    }
    SECTION("a read out while a write is issued and completes is not kept") {
        ReadCache cache;
        auto read = cache.issue(batch(kv_get("a", 60)));
        auto write = cache.issue(batch(kv_put("a", "new")));
        cache.settle(write, {done()}, kNow);
        cache.settle(read, {found("old")}, kNow);
        CHECK_FALSE(cache.answer(batch(kv_get("a", 60)), kNow));
    }
    SECTION("a read that returns while an earlier write is still out is dropped when it lands") {
        ReadCache cache;
        auto write = cache.issue(batch(kv_put("a", "new")));
        read_through(cache, "a", found("old")); // KV may still answer the old value here
        CHECK(cache.answer(batch(kv_get("a", 60)), kNow));
        cache.settle(write, {done()}, kNow);
        CHECK_FALSE(cache.answer(batch(kv_get("a", 60)), kNow));
    }
    SECTION("a read beside a write in one batch is not kept") {
        ReadCache cache;
        std::vector<Effect> mixed;
        mixed.push_back(kv_get("a", 60));
        mixed.push_back(kv_put("b", "v"));
        auto issued = cache.issue(mixed);
        cache.settle(issued, {found("x"), done()}, kNow);
        CHECK(cache.size() == 0);
    }
}

TEST_CASE("the copies stay within their bound", "[engine]") {
    ReadCache cache;
    for (std::size_t i = 0; i < ReadCache::kMaxEntries * 3; ++i) {
        read_through(cache, "k" + std::to_string(i), found("v"));
        REQUIRE(cache.size() <= ReadCache::kMaxEntries);
    }
    // The newest value is always held.
    CHECK(cache.answer(batch(kv_get("k" + std::to_string(ReadCache::kMaxEntries * 3 - 1), 60)),
                       kNow));
}

TEST_CASE("a hot link is read from KV once per allowance, and never stale after its own writes",
          "[engine][links]") {
    Driver driver;
    auto created =
        driver.api("POST", "/api/v1/payment_links", Json{{"title", "Tee"}, {"fiatAmount", "150"}});
    REQUIRE(created.status == 201);
    const auto id = created.json["id"].get<std::string>();
    const auto key = "link/" + id;
    const auto path = "/api/v1/payment_links/" + id;

    for (int i = 0; i < 5; ++i)
        REQUIRE(driver.api("GET", path).status == 200);
    CHECK(kv_reads_of(driver, key) == 1);

    // The link's own update is visible at once (and reads the stored link fresh).
    auto patched = driver.api("PATCH", path, Json{{"title", "Mug"}});
    REQUIRE(patched.status == 200);
    CHECK(driver.api("GET", path).json["title"] == "Mug");
    CHECK(driver.api("GET", path).json["title"] == "Mug");

    // A change made elsewhere (another instance) shows within KV's own 60 s allowance.
    auto stored = parse_json(driver.kv.at(key).value);
    REQUIRE(stored);
    (*stored)["title"] = "Cap";
    driver.kv[key].value = stored->dump();
    CHECK(driver.api("GET", path).json["title"] == "Mug");
    driver.now_ms += 60'001;
    CHECK(driver.api("GET", path).json["title"] == "Cap");

    // Visits read the slug once, then not again; the link is still held from above.
    const auto slug = created.json["slug"].get<std::string>();
    driver.effect_log.clear();
    for (int i = 0; i < 3; ++i)
        REQUIRE(driver.request("GET", "/l/" + slug).status == 303);
    CHECK(kv_reads_of(driver, "slug/" + slug) == 1);
    CHECK(kv_reads_of(driver, key) == 0);

    REQUIRE(driver.api("DELETE", path).status == 200);
    CHECK(driver.api("GET", path).status == 404);
    CHECK(driver.request("GET", "/l/" + slug).status == 404);
}
