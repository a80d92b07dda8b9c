#include "core/engine/render_memo.hpp"

namespace paylinks::engine {

const std::string* RenderMemo::find(std::string_view stored,
                                    std::string_view context) const noexcept {
    // An empty slot never matches: nothing is remembered for an empty stored text.
    if (stored.empty()) return nullptr;
    for (const auto& entry : entries_)
        if (entry.stored == stored && entry.context == context) return &entry.rendered;
    return nullptr;
}

void RenderMemo::remember(std::string stored, std::string context, std::string rendered) {
    if (stored.empty()) return;
    entries_[next_] = Entry{std::move(stored), std::move(context), std::move(rendered)};
    next_ = (next_ + 1) % kSlots;
}

} // namespace paylinks::engine
