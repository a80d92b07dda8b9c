#include "core/store/listing.hpp"

#include "core/ids/ids.hpp"

#include <deque>

namespace paylinks::store {

http::ApiError storage_error(const std::string& detail) {
    return http::ApiError{http::ErrorCode::storage_unavailable,
                          "Storage is unavailable, try again: " + detail, ""};
}

engine::Task<std::variant<Page, http::ApiError>>
list_index_page(engine::Context& ctx, std::string index_prefix, std::string id_prefix,
                PageQuery query, IndexFilter filter) {
    const auto limit = static_cast<std::size_t>(query.limit);
    const bool backwards = !query.ending_before.empty();
    const std::string after_key = query.starting_after.empty()
                                      ? std::string{}
                                      : ids::newest_first_key(query.starting_after, id_prefix);
    const std::string before_key =
        backwards ? ids::newest_first_key(query.ending_before, id_prefix) : std::string{};

    // Forwards: the first limit+1 entries after the cursor. Backwards: the last limit+1
    // entries before the cursor, kept in a sliding window.
    std::deque<IndexEntry> window;
    std::string cursor;
    bool done = false;
    while (!done) {
        auto page =
            engine::read_kv_list(co_await ctx.perform(engine::kv_list(index_prefix, 1000, cursor)));
        if (!page.ok) co_return storage_error(page.error);
        for (auto& key : page.keys) {
            if (key.name.size() <= index_prefix.size()) continue;
            std::string body = key.name.substr(index_prefix.size());
            if (!after_key.empty() && body <= after_key) continue;
            if (backwards && body >= before_key) {
                done = true;
                break;
            }
            IndexEntry entry{ids::id_from_newest_first_key(body, id_prefix),
                             std::move(key.metadata)};
            if (filter && !filter(entry)) continue;
            window.push_back(std::move(entry));
            if (backwards) {
                if (window.size() > limit + 1) window.pop_front();
            } else if (window.size() > limit) {
                done = true;
                break;
            }
        }
        if (page.complete) break;
        cursor = page.cursor;
    }

    Page out;
    out.has_more = window.size() > limit;
    if (out.has_more) {
        if (backwards)
            window.pop_front();
        else
            window.pop_back();
    }
    out.entries.assign(std::make_move_iterator(window.begin()),
                       std::make_move_iterator(window.end()));
    co_return out;
}

} // namespace paylinks::store
