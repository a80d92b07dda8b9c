#pragma once
// A small, strict HTML tag scanner for the page tests: it reads the markup the way a browser
// tokenizer would (tags, quoted/unquoted attributes, comments, raw text of <script>/<style>)
// so the tests can assert what a browser would see — which elements and attributes exist —
// rather than only searching for substrings.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace paylinks::pages::testing {

struct Tag {
    std::string name;                                       ///< lower case; "/p" for an end tag
    std::vector<std::pair<std::string, std::string>> attrs; ///< names lower case, values decoded
    std::string raw_text; ///< for <script> and <style>: the text up to the end tag

    [[nodiscard]] const std::string* attr(std::string_view key) const {
        for (const auto& [k, v] : attrs)
            if (k == key) return &v;
        return nullptr;
    }
    [[nodiscard]] bool has(std::string_view key) const { return attr(key) != nullptr; }
};

/// Decodes the five entities escape_html writes (and only those).
inline std::string decode_entities(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        bool matched = false;
        for (auto [entity, ch] : {std::pair<std::string_view, char>{"&amp;", '&'},
                                  {"&lt;", '<'},
                                  {"&gt;", '>'},
                                  {"&quot;", '"'},
                                  {"&#39;", '\''}}) {
            if (text.substr(i, entity.size()) == entity) {
                out.push_back(ch);
                i += entity.size();
                matched = true;
                break;
            }
        }
        if (!matched) out.push_back(text[i++]);
    }
    return out;
}

inline char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}
inline bool is_space(char c) {
    return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f';
}

/// Every start and end tag in document order; nullopt if the markup is malformed in a way a
/// browser would have to guess at (an unterminated tag, quote or comment).
inline std::optional<std::vector<Tag>> scan_tags(std::string_view html) {
    std::vector<Tag> tags;
    std::size_t i = 0;
    while ((i = html.find('<', i)) != std::string_view::npos) {
        if (html.substr(i, 4) == "<!--") {
            const std::size_t end = html.find("-->", i + 4);
            if (end == std::string_view::npos) return std::nullopt;
            i = end + 3;
            continue;
        }
        if (html.substr(i, 2) == "<!") { // doctype
            const std::size_t end = html.find('>', i);
            if (end == std::string_view::npos) return std::nullopt;
            i = end + 1;
            continue;
        }
        std::size_t j = i + 1;
        const bool end_tag = j < html.size() && html[j] == '/';
        if (end_tag) ++j;
        if (j >= html.size() ||
            !((html[j] >= 'a' && html[j] <= 'z') || (html[j] >= 'A' && html[j] <= 'Z'))) {
            ++i; // a literal '<' in text (browsers treat it as text)
            continue;
        }
        Tag tag;
        if (end_tag) tag.name = "/";
        while (j < html.size() && !is_space(html[j]) && html[j] != '>' && html[j] != '/')
            tag.name.push_back(lower(html[j++]));
        for (;;) {
            while (j < html.size() && (is_space(html[j]) || html[j] == '/'))
                ++j;
            if (j >= html.size()) return std::nullopt;
            if (html[j] == '>') {
                ++j;
                break;
            }
            std::string name;
            while (j < html.size() && !is_space(html[j]) && html[j] != '>' && html[j] != '=' &&
                   html[j] != '/')
                name.push_back(lower(html[j++]));
            std::string value;
            while (j < html.size() && is_space(html[j]))
                ++j;
            if (j < html.size() && html[j] == '=') {
                ++j;
                while (j < html.size() && is_space(html[j]))
                    ++j;
                if (j < html.size() && (html[j] == '"' || html[j] == '\'')) {
                    const char quote = html[j];
                    const std::size_t close = html.find(quote, j + 1);
                    if (close == std::string_view::npos) return std::nullopt;
                    value = decode_entities(html.substr(j + 1, close - j - 1));
                    j = close + 1;
                } else {
                    std::size_t start = j;
                    while (j < html.size() && !is_space(html[j]) && html[j] != '>')
                        ++j;
                    value = decode_entities(html.substr(start, j - start));
                }
            }
            tag.attrs.emplace_back(std::move(name), std::move(value));
        }
        if (tag.name == "script" || tag.name == "style" || tag.name == "title" ||
            tag.name == "textarea") {
            const std::string close = "</" + tag.name;
            std::size_t k = j;
            for (;; ++k) { // case-insensitive search for the end tag
                if (k + close.size() > html.size()) return std::nullopt;
                bool same = true;
                for (std::size_t m = 0; m < close.size() && same; ++m)
                    same = lower(html[k + m]) == close[m];
                if (same) break;
            }
            tag.raw_text = std::string(html.substr(j, k - j));
            j = k;
        }
        tags.push_back(std::move(tag));
        i = j;
    }
    return tags;
}

inline const Tag* find_by_id(const std::vector<Tag>& tags, std::string_view id) {
    for (const Tag& t : tags) {
        const std::string* v = t.attr("id");
        if (v && *v == id) return &t;
    }
    return nullptr;
}

inline std::size_t count_named(const std::vector<Tag>& tags, std::string_view name) {
    std::size_t n = 0;
    for (const Tag& t : tags)
        n += t.name == name;
    return n;
}

/// Text between the start tag with this id and the next tag (enough for the leaf elements
/// the tests look at), entities decoded.
inline std::string text_after_id(std::string_view html, std::string_view id) {
    const std::string needle = "id=\"" + std::string(id) + "\"";
    const std::size_t at = html.find(needle);
    if (at == std::string_view::npos) return {};
    const std::size_t open_end = html.find('>', at);
    const std::size_t next = html.find('<', open_end);
    return decode_entities(html.substr(open_end + 1, next - open_end - 1));
}

} // namespace paylinks::pages::testing
