#pragma once
// The instance's own copy of KV values that were read with an edge-cache allowance.
//
// Theory of operation. A kv.get with a cacheTtl says "a value up to this old will do", and
// Workers KV may answer it from the edge cache for that long. The engine keeps what such
// reads found, for the same time, so the next read of the key in this instance is answered
// without an effect (a hot link read then costs no KV round trip at all). It never serves
// anything staler than KV's own cache may:
//  * a write (kv.put or kv.delete) of a key drops the key's copy when the write is handed
//    to the shim, and again when its result comes back, so a read that overlapped the
//    write cannot leave an old copy behind;
//  * a read's value is kept only if no write of any key was handed out or came back while
//    the read was out (one generation counter: cheap, and errs towards asking KV);
//  * only found values are kept: a missing key may be created elsewhere at any moment;
//  * everything here belongs to one instance and is gone when it is re-created.
// Bounded: at most kMaxEntries values of at most kMaxValueBytes each.
#include "core/engine/effects.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace paylinks::engine {

/// What one batch handed to the shim means for the cache, kept until its results arrive.
struct IssuedBatch {
    struct Read {
        std::size_t index; ///< the effect's position in the batch
        std::string key;
        std::int64_t ttl_ms;
    };
    std::vector<Read> reads;         ///< the batch's cacheable reads
    std::vector<std::string> writes; ///< keys the batch writes or deletes
    std::uint64_t generation = 0;    ///< the cache's generation when the batch went out
};

class ReadCache {
public:
    static constexpr std::size_t kMaxEntries = 512;
    static constexpr std::size_t kMaxValueBytes = 16 * 1024;

    /// Results for the whole batch if every effect in it is a cacheable read held fresh
    /// at `now_ms`; nullopt otherwise (the batch then goes to the shim as it is).
    [[nodiscard]] std::optional<std::vector<Json>> answer(const std::vector<Effect>& batch,
                                                          std::int64_t now_ms) const;
    /// Notes a batch handed to the shim: drops the copies of the keys it writes.
    [[nodiscard]] IssuedBatch issue(const std::vector<Effect>& batch);
    /// Learns from the batch's results: keeps what its cacheable reads found (if nothing
    /// was written meanwhile) and drops the copies of the keys it wrote, again.
    void settle(const IssuedBatch& issued, const std::vector<Json>& results, std::int64_t now_ms);

    /// The copy of `key` if one is held that a read allowing `allowance_ms` would be
    /// answered with at `now_ms`; nullptr otherwise. Never asks KV.
    [[nodiscard]] const std::string* peek(const std::string& key, std::int64_t now_ms,
                                          std::int64_t allowance_ms) const;

    [[nodiscard]] std::size_t size() const noexcept { return values_.size(); }

private:
    void forget(const std::string& key);
    void keep(const std::string& key, std::string value, std::int64_t now_ms,
              std::int64_t allowance_ms);

    // Two maps, of types the core has anyway, rather than one of a new type: the shipped
    // module's size is bounded, and each new hash-table type costs kilobytes of it.
    std::unordered_map<std::string, std::string> values_;
    std::unordered_map<std::string, std::int64_t> read_at_ms_; ///< when KV answered
    std::uint64_t generation_ = 0;
};

} // namespace paylinks::engine
