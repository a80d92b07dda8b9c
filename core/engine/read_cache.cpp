#include "core/engine/read_cache.hpp"

#include <string_view>

namespace paylinks::engine {

namespace {

[[nodiscard]] std::string_view op_of(const Effect& effect) noexcept {
    const auto* op = effect["op"].get_ptr<const std::string*>();
    return op ? std::string_view{*op} : std::string_view{};
}

/// The effect's "key", or "" for an effect without one (an RPC call, a list, an HTTP request).
[[nodiscard]] const std::string& key_of(const Effect& effect) noexcept {
    static const std::string none;
    const auto key = effect.find("key");
    return key != effect.end() && key->is_string() ? key->get_ref<const std::string&>() : none;
}

[[nodiscard]] bool is_write(std::string_view op) noexcept {
    return op == "kv.put" || op == "kv.delete";
}

/// The allowance of a cacheable read in ms; 0 for any other effect.
[[nodiscard]] std::int64_t read_allowance_ms(const Effect& effect) noexcept {
    if (op_of(effect) != "kv.get") return 0;
    const auto seconds = integer_or(effect, "cacheTtl", 0);
    return seconds > 0 && seconds <= 86'400 ? seconds * 1000 : 0;
}

} // namespace

std::optional<std::vector<Json>> ReadCache::answer(const std::vector<Effect>& batch,
                                                   std::int64_t now_ms) const {
    if (batch.empty() || values_.empty()) return std::nullopt;
    std::vector<Json> results;
    results.reserve(batch.size());
    for (const auto& effect : batch) {
        // Each read's own allowance decides: a copy kept for a laxer read may be too old.
        const auto allowance = read_allowance_ms(effect);
        if (allowance == 0) return std::nullopt;
        const auto& key = key_of(effect);
        auto read_at = read_at_ms_.find(key);
        if (read_at == read_at_ms_.end() || now_ms - read_at->second >= allowance)
            return std::nullopt;
        results.push_back(Json{{"ok", true}, {"value", values_.find(key)->second}});
    }
    return results;
}

const std::string* ReadCache::peek(const std::string& key, std::int64_t now_ms,
                                   std::int64_t allowance_ms) const {
    auto read_at = read_at_ms_.find(key);
    if (read_at == read_at_ms_.end() || now_ms - read_at->second >= allowance_ms) return nullptr;
    auto value = values_.find(key);
    return value == values_.end() ? nullptr : &value->second;
}

IssuedBatch ReadCache::issue(const std::vector<Effect>& batch) {
    IssuedBatch issued;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        const auto& effect = batch[i];
        const auto& key = key_of(effect);
        if (is_write(op_of(effect))) {
            issued.writes.push_back(key);
            forget(key);
        } else if (auto allowance = read_allowance_ms(effect)) {
            issued.reads.push_back({i, key, allowance});
        }
    }
    issued.generation = generation_;
    return issued;
}

void ReadCache::settle(const IssuedBatch& issued, const std::vector<Json>& results,
                       std::int64_t now_ms) {
    for (const auto& key : issued.writes)
        forget(key);
    // A read beside a write, or overlapping one anywhere, may have seen either side of it.
    if (generation_ != issued.generation) return;
    for (const auto& read : issued.reads) {
        if (read.index >= results.size()) continue;
        auto found = read_kv_value(results[read.index]);
        if (found.ok && found.value) keep(read.key, std::move(*found.value), now_ms, read.ttl_ms);
    }
}

void ReadCache::forget(const std::string& key) {
    ++generation_;
    values_.erase(key);
    read_at_ms_.erase(key);
}

void ReadCache::keep(const std::string& key, std::string value, std::int64_t now_ms,
                     std::int64_t allowance_ms) {
    if (value.size() > kMaxValueBytes) return;
    if (values_.size() >= kMaxEntries && !values_.contains(key)) {
        // Full: drop what is too old for a read like this one; if that frees nothing, start
        // over (rare, and cheap).
        for (auto it = read_at_ms_.begin(); it != read_at_ms_.end();) {
            if (now_ms - it->second < allowance_ms) {
                ++it;
                continue;
            }
            values_.erase(it->first);
            it = read_at_ms_.erase(it);
        }
        if (values_.size() >= kMaxEntries) {
            values_.clear();
            read_at_ms_.clear();
        }
    }
    values_.insert_or_assign(key, std::move(value));
    read_at_ms_.insert_or_assign(key, now_ms);
}

} // namespace paylinks::engine
