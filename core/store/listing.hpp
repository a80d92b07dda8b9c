#pragma once
// Newest-first pages over a KV list index.
//
// Every listable object has an index key `<index prefix><inverted id>` (see ids.hpp), whose
// KV metadata may carry what filters need. KV cannot seek to a key, so a page is found by
// listing the index from its start, up to 1000 keys per call, and stopping as soon as the
// page is known. Pages near the newest end — the ones people look at — cost one call.
#include "core/engine/context.hpp"
#include "core/engine/task.hpp"
#include "core/http/error.hpp"

#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace paylinks::store {

struct PageQuery {
    int limit = 10;
    std::string starting_after; ///< an id, or empty
    std::string ending_before;  ///< an id, or empty
};

struct IndexEntry {
    std::string id;
    Json metadata;
};

struct Page {
    std::vector<IndexEntry> entries; ///< newest first
    bool has_more = false;
};

using IndexFilter = std::function<bool(const IndexEntry&)>;

[[nodiscard]] engine::Task<std::variant<Page, http::ApiError>>
list_index_page(engine::Context& ctx, std::string index_prefix, std::string id_prefix,
                PageQuery query, IndexFilter filter);

/// The ApiError for a failed KV effect.
[[nodiscard]] http::ApiError storage_error(const std::string& detail);

} // namespace paylinks::store
