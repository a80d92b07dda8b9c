#include "core/util/json.hpp"

#include <bit>
#include <cassert>
#include <cstring>

// The parser and serializer are the core's hottest code. The size-optimised wasm build
// leaves small helpers as calls, so this file is built with inlining on (CMakeLists.txt) and
// works on raw pointers, appending whole runs of bytes at a time.
#if !defined(PAYLINKS_JSON_NLOHMANN) // else nlohmann::json (json.hpp)

namespace paylinks {

// ---- values ---------------------------------------------------------------------------

JsonRef::JsonRef(std::initializer_list<JsonRef> init) {
    if (init.size() == 2 && !init.begin()->is_member_ && init.begin()->value_.is_string()) {
        is_member_ = true;
        value_ = std::move(init.begin()->value_);
        member_value_ = init.begin()[1].take();
    } else {
        value_ = Json(init);
    }
}

Json JsonRef::take() const {
    if (!is_member_) return std::move(value_);
    JsonArray pair;
    pair.reserve(2);
    pair.push_back(std::move(value_));
    pair.push_back(std::move(member_value_));
    return Json(std::move(pair));
}

JsonMember JsonRef::take_member() const {
    return {std::move(value_.string_), std::move(member_value_)};
}

Json::Json(std::initializer_list<JsonRef> init) {
    bool is_object = init.size() > 0;
    for (const auto& element : init) {
        if (!element.is_member()) {
            is_object = false;
            break;
        }
    }
    if (is_object) {
        type_ = Type::object;
        new (&object_) JsonObject();
        object_.reserve(init.size());
        for (const auto& element : init) {
            auto member = element.take_member();
            // A braced list is code: its keys are distinct (checked in debug builds).
            assert(find(member.first) == end());
            object_.push_back(std::move(member));
        }
    } else {
        type_ = Type::array;
        new (&array_) JsonArray();
        array_.reserve(init.size());
        for (const auto& element : init)
            array_.push_back(element.take());
    }
}

Json Json::array(std::initializer_list<JsonRef> init) {
    JsonArray elements;
    elements.reserve(init.size());
    for (const auto& element : init)
        elements.push_back(element.take());
    return Json(std::move(elements));
}

Json Json::object(std::initializer_list<JsonRef> init) {
    Json value(init);
    return value.is_object() ? value : Json::object();
}

template<class Source>
void Json::construct_from(Source&& other) {
    type_ = other.type_;
    switch (type_) {
    case Type::number_text:
    case Type::string:
        new (&string_) std::string(std::forward<Source>(other).string_);
        break;
    case Type::array:
        new (&array_) JsonArray(std::forward<Source>(other).array_);
        break;
    case Type::object:
        new (&object_) JsonObject(std::forward<Source>(other).object_);
        break;
    default: // null, boolean and the integers: plain bytes
        std::memcpy(&unsigned_, &other.unsigned_, sizeof unsigned_);
    }
}

Json::Json(const Json& other) {
    construct_from(other);
}

void Json::take_storage(Json&& other) noexcept {
    construct_from(std::move(other));
    other.destroy();
}

void Json::destroy_storage() noexcept {
    switch (type_) {
    case Type::number_text:
    case Type::string:
        string_.~basic_string();
        break;
    case Type::array:
        array_.~JsonArray();
        break;
    case Type::object:
        object_.~JsonObject();
        break;
    default:
        break;
    }
}

const std::string& Json::empty_string() noexcept {
    static const std::string empty;
    return empty;
}

const Json& Json::null_value() noexcept {
    static const Json null;
    return null;
}

JsonArray& Json::as_array() {
    if (type_ != Type::array) {
        destroy();
        type_ = Type::array;
        new (&array_) JsonArray();
    }
    return array_;
}

JsonObject& Json::as_object() {
    if (type_ != Type::object) {
        destroy();
        type_ = Type::object;
        new (&object_) JsonObject();
    }
    return object_;
}

std::size_t Json::size() const noexcept {
    switch (type_) {
    case Type::null:
        return 0;
    case Type::array:
        return array_.size();
    case Type::object:
        return object_.size();
    default:
        return 1;
    }
}

Json::iterator Json::begin() noexcept {
    if (type_ == Type::array) return {array_.data(), nullptr};
    if (type_ == Type::object) return {nullptr, object_.data()};
    return {};
}

Json::iterator Json::end() noexcept {
    if (type_ == Type::array) return {array_.data() + array_.size(), nullptr};
    if (type_ == Type::object) return {nullptr, object_.data() + object_.size()};
    return {};
}

Json::const_iterator Json::begin() const noexcept {
    return const_cast<Json*>(this)->begin();
}

Json::const_iterator Json::end() const noexcept {
    return const_cast<Json*>(this)->end();
}

Json::iterator Json::find(std::string_view key) noexcept {
    if (type_ != Type::object) return end();
    for (auto& member : object_)
        if (member.first == key) return {nullptr, &member};
    return end();
}

Json::const_iterator Json::find(std::string_view key) const noexcept {
    return const_cast<Json*>(this)->find(key);
}

Json& Json::operator[](std::string_view key) {
    auto& members = as_object();
    for (auto& member : members)
        if (member.first == key) return member.second;
    return members.emplace_back(std::string(key), Json()).second;
}

const Json& Json::operator[](std::string_view key) const noexcept {
    if (type_ != Type::object) return null_value();
    for (const auto& member : object_)
        if (member.first == key) return member.second;
    return null_value();
}

Json& Json::element(std::size_t index) {
    auto& elements = as_array();
    if (index >= elements.size()) elements.resize(index + 1);
    return elements[index];
}

const Json& Json::element(std::size_t index) const noexcept {
    if (type_ != Type::array || index >= array_.size()) return null_value();
    return array_[index];
}

const Json& Json::back() const noexcept {
    if (type_ != Type::array || array_.empty()) return null_value();
    return array_.back();
}

Json& Json::back() {
    auto& elements = as_array();
    if (elements.empty()) elements.emplace_back();
    return elements.back();
}

std::pair<Json::iterator, bool> Json::emplace(std::string_view key, Json value) {
    auto& members = as_object();
    auto it = find(key);
    if (it != end()) return {it, false};
    members.emplace_back(std::string(key), std::move(value));
    return {{nullptr, &members.back()}, true};
}

void Json::update(const Json& other) {
    as_object();
    for (const auto& [key, value] : other.items())
        (*this)[key] = value;
}

std::size_t Json::erase(std::string_view key) {
    if (type_ != Type::object) return 0;
    for (auto it = object_.begin(); it != object_.end(); ++it) {
        if (it->first == key) {
            object_.erase(it);
            return 1;
        }
    }
    return 0;
}

std::size_t Json::erase_element(std::size_t index) {
    if (type_ != Type::array || index >= array_.size()) return 0;
    array_.erase(array_.begin() + static_cast<std::ptrdiff_t>(index));
    return 1;
}

void Json::push_back(Json value) {
    as_array().push_back(std::move(value));
}

JsonObject& Json::items() {
    static JsonObject none;
    if (type_ != Type::object) {
        none.clear();
        return none;
    }
    return object_;
}

const JsonObject& Json::items() const noexcept {
    static const JsonObject none;
    return type_ == Type::object ? object_ : none;
}

const JsonArray& Json::elements() const noexcept {
    static const JsonArray none;
    return type_ == Type::array ? array_ : none;
}

JsonArray Json::release_elements() noexcept {
    JsonArray out;
    if (type_ == Type::array) out = std::move(array_);
    destroy();
    return out;
}

std::string Json::dump() const {
    return dump_json(*this);
}

bool operator==(const Json& a, const Json& b) noexcept {
    using Type = Json::Type;
    if (a.is_number_integer() && b.is_number_integer()) {
        if (a.type_ == b.type_)
            return a.type_ == Type::integer ? a.integer_ == b.integer_ : a.unsigned_ == b.unsigned_;
        const Json& s = a.type_ == Type::integer ? a : b;
        const Json& u = a.type_ == Type::integer ? b : a;
        return s.integer_ >= 0 && static_cast<std::uint64_t>(s.integer_) == u.unsigned_;
    }
    if (a.type_ != b.type_) return false;
    switch (a.type_) {
    case Type::null:
        return true;
    case Type::boolean:
        return a.boolean_ == b.boolean_;
    case Type::number_text:
    case Type::string:
        return a.string_ == b.string_;
    case Type::array:
        return a.array_ == b.array_;
    case Type::object:
        return a.object_ == b.object_;
    default:
        return false;
    }
}

// ---- UTF-8 (RFC 3629) -----------------------------------------------------------------

namespace {

/// Length of the valid UTF-8 sequence at `p` (which starts with a byte ≥ 0x80), or 0:
/// no overlong forms, no surrogates, nothing above U+10FFFF.
inline std::size_t utf8_sequence_length(const unsigned char* p, const unsigned char* end) noexcept {
    const unsigned char lead = p[0];
    const std::size_t available = static_cast<std::size_t>(end - p);
    auto continuation = [](unsigned char c) { return (c & 0xC0) == 0x80; };
    if (lead >= 0xC2 && lead <= 0xDF) return available >= 2 && continuation(p[1]) ? 2 : 0;
    if (lead >= 0xE0 && lead <= 0xEF) {
        if (available < 3 || !continuation(p[1]) || !continuation(p[2])) return 0;
        if (lead == 0xE0 && p[1] < 0xA0) return 0; // overlong
        if (lead == 0xED && p[1] > 0x9F) return 0; // surrogate
        return 3;
    }
    if (lead >= 0xF0 && lead <= 0xF4) {
        if (available < 4 || !continuation(p[1]) || !continuation(p[2]) || !continuation(p[3]))
            return 0;
        if (lead == 0xF0 && p[1] < 0x90) return 0; // overlong
        if (lead == 0xF4 && p[1] > 0x8F) return 0; // above U+10FFFF
        return 4;
    }
    return 0;
}

void append_utf8(std::string& out, std::uint32_t code_point) {
    char bytes[4];
    std::size_t n;
    if (code_point < 0x80) {
        bytes[0] = static_cast<char>(code_point);
        n = 1;
    } else if (code_point < 0x800) {
        bytes[0] = static_cast<char>(0xC0 | (code_point >> 6));
        bytes[1] = static_cast<char>(0x80 | (code_point & 0x3F));
        n = 2;
    } else if (code_point < 0x10000) {
        bytes[0] = static_cast<char>(0xE0 | (code_point >> 12));
        bytes[1] = static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        bytes[2] = static_cast<char>(0x80 | (code_point & 0x3F));
        n = 3;
    } else {
        bytes[0] = static_cast<char>(0xF0 | (code_point >> 18));
        bytes[1] = static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
        bytes[2] = static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
        bytes[3] = static_cast<char>(0x80 | (code_point & 0x3F));
        n = 4;
    }
    out.append(bytes, n);
}

// ---- parsing (RFC 8259) ---------------------------------------------------------------

constexpr int kMaxDepth = 512;
constexpr std::size_t kInitialMembers = 8;

// The one-letter escapes of RFC 8259 §7 and the bytes they stand for, position by position.
// ('/' is read but never written escaped.)
constexpr std::string_view kEscapeLetters = "\"\\/bfnrt";
constexpr std::string_view kEscapedBytes = "\"\\/\b\f\n\r\t";
static_assert(kEscapeLetters.size() == kEscapedBytes.size());

// How the writer treats each byte: 0 copies it as it is, 'u' writes \u00XX, another letter
// writes that one-letter escape, and kUtf8 marks a byte ≥ 0x80 (copied if the sequence it
// starts is valid UTF-8). A byte is "plain" — copied by reader and writer alike with no
// further look — exactly when its entry is 0. One table load per byte instead of a chain of
// comparisons: strings are most of what crosses the boundary.
constexpr char kUtf8 = 1;
struct ByteTable {
    char entry[256] = {};
};
constexpr ByteTable make_escape_table() {
    ByteTable table;
    for (int c = 0; c < 0x20; ++c)
        table.entry[c] = 'u';
    for (std::size_t i = 0; i < kEscapedBytes.size(); ++i)
        if (kEscapedBytes[i] != '/')
            table.entry[static_cast<unsigned char>(kEscapedBytes[i])] = kEscapeLetters[i];
    for (int c = 0x80; c < 0x100; ++c)
        table.entry[c] = kUtf8;
    return table;
}
constexpr ByteTable kEscapeTable = make_escape_table();
[[nodiscard]] constexpr char escape_entry(unsigned char c) noexcept {
    return kEscapeTable.entry[c];
}
static_assert(escape_entry('"') == '"' && escape_entry('\\') == '\\' && escape_entry('\n') == 'n' &&
              escape_entry(0x1f) == 'u' && escape_entry('/') == 0 && escape_entry('a') == 0 &&
              escape_entry(0x7f) == 0 && escape_entry(0x80) == kUtf8);

[[nodiscard]] inline bool is_plain(unsigned char c) noexcept {
    return escape_entry(c) == 0;
}

static_assert(std::endian::native == std::endian::little);

/// The end of the run of plain bytes that starts at `p`: the first byte that is not plain,
/// or `end`. Eight bytes are tested at once (wasm has 64-bit integers): a byte is not plain
/// when it is below 0x20, a quote, a backslash or at least 0x80, and the classic "has a zero
/// byte" test ((v - 0x01…) & ~v & 0x80…) flags exactly the lowest such byte of a word (a
/// borrow can only make false flags above a true one), which is all this needs.
[[nodiscard]] inline const unsigned char* plain_run_end(const unsigned char* p,
                                                        const unsigned char* end) noexcept {
    constexpr std::uint64_t kOnes = 0x0101010101010101u;
    constexpr std::uint64_t kHighs = 0x8080808080808080u;
    constexpr auto zero_bytes = [](std::uint64_t v) { return (v - kOnes) & ~v & kHighs; };
    while (end - p >= 8) {
        std::uint64_t word;
        std::memcpy(&word, p, 8);
        const std::uint64_t special = ((word - kOnes * 0x20) & ~word & kHighs) |
                                      zero_bytes(word ^ (kOnes * '"')) |
                                      zero_bytes(word ^ (kOnes * '\\')) | (word & kHighs);
        // The lowest set bit is the first byte in memory: wasm and x86-64 are little-endian.
        if (special != 0) return p + (__builtin_ctzll(special) >> 3);
        p += 8;
    }
    while (p != end && is_plain(*p))
        ++p;
    return p;
}

class Parser {
public:
    Parser(std::string_view text) noexcept
        : p_{reinterpret_cast<const unsigned char*>(text.data())}
        , end_{p_ + text.size()} {}

    bool document(Json& out) {
        skip_space();
        if (!value(out, 0)) return false;
        skip_space();
        return p_ == end_;
    }

private:
    void skip_space() noexcept {
        while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t'))
            ++p_;
    }

    bool literal(const char* word, std::size_t length) noexcept {
        if (static_cast<std::size_t>(end_ - p_) < length || std::memcmp(p_, word, length) != 0)
            return false;
        p_ += length;
        return true;
    }

    bool value(Json& out, int depth) {
        if (p_ == end_) return false;
        switch (*p_) {
        case '{':
            return object(out, depth + 1);
        case '[':
            return array(out, depth + 1);
        case '"': {
            std::string text;
            if (!string(text)) return false;
            out = Json(std::move(text));
            return true;
        }
        case 't':
            out = Json(true);
            return literal("true", 4);
        case 'f':
            out = Json(false);
            return literal("false", 5);
        case 'n':
            out = Json();
            return literal("null", 4);
        default:
            return number(out);
        }
    }

    bool object(Json& out, int depth) {
        if (depth > kMaxDepth) return false;
        ++p_; // '{'
        JsonObject members;
        skip_space();
        if (p_ != end_ && *p_ == '}') {
            ++p_;
            out = Json(std::move(members));
            return true;
        }
        // Room for the members of most objects the core reads, so growing one member at a
        // time costs no reallocations (one allocation rather than up to four).
        members.reserve(kInitialMembers);
        for (;;) {
            skip_space();
            if (p_ == end_ || *p_ != '"') return false;
            std::string key;
            if (!string(key)) return false;
            skip_space();
            if (p_ == end_ || *p_ != ':') return false;
            ++p_;
            skip_space();
            Json member;
            if (!value(member, depth)) return false;
            JsonMember* existing = nullptr;
            for (auto& m : members)
                if (m.first == key) existing = &m;
            if (existing)
                existing->second = std::move(member); // the last duplicate wins
            else
                members.emplace_back(std::move(key), std::move(member));
            skip_space();
            if (p_ == end_) return false;
            if (*p_ == ',') {
                ++p_;
                continue;
            }
            if (*p_ != '}') return false;
            ++p_;
            out = Json(std::move(members));
            return true;
        }
    }

    bool array(Json& out, int depth) {
        if (depth > kMaxDepth) return false;
        ++p_; // '['
        JsonArray elements;
        skip_space();
        if (p_ != end_ && *p_ == ']') {
            ++p_;
            out = Json(std::move(elements));
            return true;
        }
        elements.reserve(kInitialMembers);
        for (;;) {
            skip_space();
            if (!value(elements.emplace_back(), depth)) return false;
            skip_space();
            if (p_ == end_) return false;
            if (*p_ == ',') {
                ++p_;
                continue;
            }
            if (*p_ != ']') return false;
            ++p_;
            out = Json(std::move(elements));
            return true;
        }
    }

    bool hex4(std::uint32_t& out) noexcept {
        if (end_ - p_ < 4) return false;
        out = 0;
        for (int i = 0; i < 4; ++i) {
            const unsigned char c = *p_++;
            std::uint32_t digit;
            if (c >= '0' && c <= '9')
                digit = c - '0';
            else if (c >= 'a' && c <= 'f')
                digit = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F')
                digit = c - 'A' + 10;
            else
                return false;
            out = out << 4 | digit;
        }
        return true;
    }

    bool string(std::string& out) {
        ++p_; // '"'
        for (;;) {
            const unsigned char* run = p_;
            p_ = plain_run_end(p_, end_);
            out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p_ - run));
            if (p_ == end_) return false;
            const unsigned char c = *p_;
            if (c == '"') {
                ++p_;
                return true;
            }
            if (c < 0x20) return false; // control characters must be escaped
            if (c >= 0x80) {
                const std::size_t n = utf8_sequence_length(p_, end_);
                if (n == 0) return false;
                out.append(reinterpret_cast<const char*>(p_), n);
                p_ += n;
                continue;
            }
            // A backslash.
            if (++p_ == end_) return false;
            const char letter = static_cast<char>(*p_++);
            if (letter != 'u') {
                const auto at = kEscapeLetters.find(letter);
                if (at == std::string_view::npos) return false;
                out.push_back(kEscapedBytes[at]);
                continue;
            }
            std::uint32_t unit;
            if (!hex4(unit)) return false;
            if (unit >= 0xDC00 && unit <= 0xDFFF) return false; // a lone low surrogate
            if (unit >= 0xD800 && unit <= 0xDBFF) {
                std::uint32_t low;
                if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
                p_ += 2;
                if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
                unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
            }
            append_utf8(out, unit);
        }
    }

    bool number(Json& out) {
        const unsigned char* start = p_;
        const bool negative = *p_ == '-';
        if (negative) ++p_;
        if (p_ == end_) return false;
        bool fits = true;
        std::uint64_t magnitude = 0;
        if (*p_ == '0') {
            ++p_;
        } else if (*p_ >= '1' && *p_ <= '9') {
            while (p_ != end_ && *p_ >= '0' && *p_ <= '9') {
                const std::uint64_t digit = *p_ - '0';
                if (magnitude > (UINT64_MAX - digit) / 10) fits = false;
                magnitude = magnitude * 10 + digit;
                ++p_;
            }
        } else {
            return false;
        }
        bool integral = true;
        if (p_ != end_ && *p_ == '.') {
            integral = false;
            ++p_;
            if (p_ == end_ || *p_ < '0' || *p_ > '9') return false;
            while (p_ != end_ && *p_ >= '0' && *p_ <= '9')
                ++p_;
        }
        if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
            integral = false;
            ++p_;
            if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
            if (p_ == end_ || *p_ < '0' || *p_ > '9') return false;
            while (p_ != end_ && *p_ >= '0' && *p_ <= '9')
                ++p_;
        }
        if (integral && fits) {
            if (!negative) {
                out = Json(magnitude);
                return true;
            }
            if (magnitude <= static_cast<std::uint64_t>(INT64_MAX) + 1) {
                out = Json(static_cast<std::int64_t>(0 - magnitude));
                return true;
            }
        }
        out = Json::number_text(std::string_view(reinterpret_cast<const char*>(start),
                                                 static_cast<std::size_t>(p_ - start)));
        return true;
    }

    const unsigned char* p_;
    const unsigned char* end_;
};

// ---- serialising ----------------------------------------------------------------------

void append_integer(std::string& out, std::uint64_t magnitude, bool negative) {
    char digits[21];
    char* end = digits + sizeof digits;
    char* p = end;
    do {
        *--p = static_cast<char>('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude != 0);
    if (negative) *--p = '-';
    out.append(p, static_cast<std::size_t>(end - p));
}

void append_value(std::string& out, const Json& value) {
    switch (value.type()) {
    case Json::Type::null:
        out.append("null", 4);
        return;
    case Json::Type::boolean:
        if (value.get<bool>())
            out.append("true", 4);
        else
            out.append("false", 5);
        return;
    case Json::Type::integer: {
        const auto n = value.get<std::int64_t>();
        append_integer(
            out, n < 0 ? 0 - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n), n < 0);
        return;
    }
    case Json::Type::unsigned_integer:
        append_integer(out, value.get<std::uint64_t>(), false);
        return;
    case Json::Type::number_text:
        out.append(value.number_source());
        return;
    case Json::Type::string:
        append_json_string(out, value.get_ref<const std::string&>());
        return;
    case Json::Type::array: {
        out.push_back('[');
        bool first = true;
        for (const auto& element : value.elements()) {
            if (!first) out.push_back(',');
            first = false;
            append_value(out, element);
        }
        out.push_back(']');
        return;
    }
    case Json::Type::object: {
        out.push_back('{');
        bool first = true;
        for (const auto& [key, member] : value.items()) {
            if (!first) out.push_back(',');
            first = false;
            append_json_string(out, key);
            out.push_back(':');
            append_value(out, member);
        }
        out.push_back('}');
        return;
    }
    }
}

} // namespace

std::optional<Json> parse_json(std::string_view text) noexcept {
    Json value;
    Parser parser(text);
    if (!parser.document(value)) return std::nullopt;
    return value;
}

void append_json_string(std::string& out, std::string_view text) {
    static constexpr char kHex[] = "0123456789abcdef";
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = p + text.size();
    out.push_back('"');
    // Runs of plain bytes are copied whole; only the bytes between them are looked at again.
    // (No reserve: appends grow the string geometrically, a reserve per call need not.)
    for (;;) {
        const auto* run = p;
        p = plain_run_end(p, end);
        out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run));
        if (p == end) break;
        const unsigned char c = *p;
        const char entry = escape_entry(c);
        if (entry == kUtf8) {
            const std::size_t n = utf8_sequence_length(p, end);
            if (n == 0) {
                out.append("\xEF\xBF\xBD", 3); // U+FFFD for each invalid byte
                ++p;
            } else {
                out.append(reinterpret_cast<const char*>(p), n);
                p += n;
            }
        } else if (entry == 'u') {
            const char escape[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
            out.append(escape, 6);
            ++p;
        } else {
            const char escape[2] = {'\\', entry};
            out.append(escape, 2);
            ++p;
        }
    }
    out.push_back('"');
}

void append_json(std::string& out, const Json& value) {
    append_value(out, value);
}

std::string dump_json(const Json& value) {
    std::string out;
    out.reserve(256);
    append_value(out, value);
    return out;
}

} // namespace paylinks

#endif
