#pragma once
// The core's JSON value (RFC 8259): null, boolean, integer, string, array and
// insertion-ordered object, so API objects read in the order the contract lists their fields.
//
// Theory of operation. Every exchange with the shim, every KV document and every RPC answer
// is JSON, so parsing and serialising are the core's hottest code: values keep strings and
// containers inline (no node allocation beyond the container's own buffer), the parser is a
// single forward pass that validates UTF-8 as it copies, and the serialiser appends runs of
// safe bytes at once. Money never passes through a floating-point type: a number with a
// fraction or an exponent, or an integer beyond 64 bits, is kept as its source text
// (`is_number_text()`), which the core only ever rejects or echoes.
//
// Reading an untrusted value never aborts: a member or element that is absent, or a value
// read as another type, gives null / empty / zero. Check types before reading.
//
// The names are nlohmann::json's, so the core also builds with it (CMake
// -DPAYLINKS_JSON=nlohmann) to compare the two; docs/performance.md ("JSON library") has the
// figures and the decision. fuzz_json checks this reader against nlohmann's.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(PAYLINKS_JSON_NLOHMANN)
// The comparison build (CMake -DPAYLINKS_JSON=nlohmann): nlohmann::ordered_json as the core's
// Json, with only the shims below. It differs from the value above where nlohmann differs:
// numbers with a fraction, an exponent or more than 64 bits become doubles; reading an absent
// member of a const object or a value as another type traps (JSON_ASSERT below) instead of
// giving null / 0 / ""; and there is no depth limit.
#ifndef JSON_ASSERT
#define JSON_ASSERT(x) ((x) ? static_cast<void>(0) : __builtin_trap())
#endif
#ifndef JSON_NOEXCEPTION
#define JSON_NOEXCEPTION
#endif
#define JSON_HAS_FILESYSTEM 0
#define JSON_HAS_EXPERIMENTAL_FILESYSTEM 0
#include <nlohmann/json.hpp>

namespace paylinks {

using Json = nlohmann::ordered_json;
using JsonArray = Json::array_t;
using JsonObject = Json::object_t;
using JsonMember = JsonObject::value_type;

[[nodiscard]] inline std::optional<Json> parse_json(std::string_view text) noexcept {
    Json value = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded()) return std::nullopt;
    return value;
}
[[nodiscard]] inline std::string dump_json(const Json& value) {
    return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}
inline void append_json(std::string& out, const Json& value) {
    out += dump_json(value);
}
inline void append_json_string(std::string& out, std::string_view text) {
    out += dump_json(Json(text));
}
/// An object's members, to move them out in order.
[[nodiscard]] inline JsonObject& object_members(Json& value) {
    return value.get_ref<JsonObject&>();
}
/// An integer that `I` represents exactly.
template<class I>
[[nodiscard]] bool fits(const Json& value) noexcept {
    using Limits = std::numeric_limits<I>;
    if (value.is_number_unsigned())
        return value.get<std::uint64_t>() <= static_cast<std::uint64_t>(Limits::max());
    if (!value.is_number_integer()) return false;
    const auto n = value.get<std::int64_t>();
    return n < 0 ? std::is_signed_v<I> && n >= static_cast<std::int64_t>(Limits::min())
                 : static_cast<std::uint64_t>(n) <= static_cast<std::uint64_t>(Limits::max());
}
/// Moves an array's elements out (none for any other type), leaving the value null.
[[nodiscard]] inline JsonArray release_elements(Json& value) noexcept {
    JsonArray out;
    if (value.is_array()) out = std::move(value.get_ref<JsonArray&>());
    value = nullptr;
    return out;
}

#else

namespace paylinks {

class Json;
class JsonRef;

using JsonArray = std::vector<Json>;
using JsonMember = std::pair<std::string, Json>;
/// Members in insertion order; keys are unique (a parsed duplicate keeps the last value).
using JsonObject = std::vector<JsonMember>;

/// An iterator over an array's elements or an object's member values (`key()` names the
/// member). Primitive values have no elements.
template<bool IsConst>
class JsonIterator {
public:
    using Value = std::conditional_t<IsConst, const Json, Json>;
    using Member = std::conditional_t<IsConst, const JsonMember, JsonMember>;

    JsonIterator() noexcept = default;
    JsonIterator(Value* element, Member* member) noexcept
        : element_{element}
        , member_{member} {}
    template<bool C = IsConst, std::enable_if_t<C, int> = 0>
    JsonIterator(const JsonIterator<false>& other) noexcept
        : element_{other.element_}
        , member_{other.member_} {}

    [[nodiscard]] Value& operator*() const noexcept;
    [[nodiscard]] Value* operator->() const noexcept { return &**this; }
    [[nodiscard]] const std::string& key() const noexcept { return member_->first; }
    [[nodiscard]] Value& value() const noexcept { return **this; }
    JsonIterator& operator++() noexcept {
        if (member_)
            ++member_;
        else
            ++element_;
        return *this;
    }
    [[nodiscard]] bool operator==(const JsonIterator& other) const noexcept {
        return element_ == other.element_ && member_ == other.member_;
    }

private:
    template<bool>
    friend class JsonIterator;
    Value* element_ = nullptr;
    Member* member_ = nullptr;
};

class Json {
public:
    enum class Type : std::uint8_t {
        null,
        boolean,
        integer,          ///< a negative integer, or one made from a signed C++ integer
        unsigned_integer, ///< a parsed non-negative integer, or one from an unsigned C++ integer
        number_text,      ///< any other number (a fraction, an exponent, beyond 64 bits): its text
        string,
        array,
        object,
    };
    using iterator = JsonIterator<false>;
    using const_iterator = JsonIterator<true>;

    Json() noexcept {}
    Json(std::nullptr_t) noexcept {}
    template<class T, std::enable_if_t<std::is_same_v<T, bool>, int> = 0>
    Json(T value) noexcept
        : type_{Type::boolean} {
        boolean_ = value;
    }
    template<class T, std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool> &&
                                           !std::is_same_v<T, char>,
                                       int> = 0>
    Json(T value) noexcept {
        if constexpr (std::is_signed_v<T>) {
            type_ = Type::integer;
            integer_ = value;
        } else {
            type_ = Type::unsigned_integer;
            unsigned_ = value;
        }
    }
    Json(const char* text)
        : Json(std::string_view(text)) {}
    Json(std::string_view text)
        : type_{Type::string} {
        new (&string_) std::string(text);
    }
    Json(std::string&& text) noexcept
        : type_{Type::string} {
        new (&string_) std::string(std::move(text));
    }
    Json(const std::string& text)
        : type_{Type::string} {
        new (&string_) std::string(text);
    }
    /// An array of the elements, each converted to JSON.
    template<class T, std::enable_if_t<std::is_constructible_v<Json, const T&>, int> = 0>
    Json(const std::vector<T>& elements)
        : type_{Type::array} {
        new (&array_) JsonArray{};
        array_.reserve(elements.size());
        for (const auto& element : elements)
            array_.emplace_back(element);
    }
    /// An object when every element is a two-element array whose first element is a string
    /// (`{{"key", value}, ...}`, keys distinct), else an array.
    Json(std::initializer_list<JsonRef> init);

    explicit Json(JsonArray&& elements) noexcept
        : type_{Type::array} {
        new (&array_) JsonArray(std::move(elements));
    }
    explicit Json(JsonObject&& members) noexcept
        : type_{Type::object} {
        new (&object_) JsonObject(std::move(members));
    }

    Json(const Json& other);
    Json(Json&& other) noexcept { take(std::move(other)); }
    Json& operator=(const Json& other) {
        if (this != &other) {
            Json copy(other);
            *this = std::move(copy);
        }
        return *this;
    }
    Json& operator=(Json&& other) noexcept {
        if (this != &other) {
            destroy();
            take(std::move(other));
        }
        return *this;
    }
    ~Json() { destroy(); }

    [[nodiscard]] static Json array() { return Json(JsonArray()); }
    [[nodiscard]] static Json array(std::initializer_list<JsonRef> init);
    [[nodiscard]] static Json array(JsonArray elements) { return Json(std::move(elements)); }
    [[nodiscard]] static Json object() { return Json(JsonObject()); }
    [[nodiscard]] static Json object(std::initializer_list<JsonRef> init);
    [[nodiscard]] static Json object(JsonObject members) { return Json(std::move(members)); }
    /// A number_text value; `text` must already be a JSON number (the parser's job).
    [[nodiscard]] static Json number_text(std::string_view text) {
        Json value(text);
        value.type_ = Type::number_text;
        return value;
    }

    // Types.
    [[nodiscard]] Type type() const noexcept { return type_; }
    [[nodiscard]] bool is_null() const noexcept { return type_ == Type::null; }
    [[nodiscard]] bool is_boolean() const noexcept { return type_ == Type::boolean; }
    [[nodiscard]] bool is_number() const noexcept {
        return type_ == Type::integer || type_ == Type::unsigned_integer ||
               type_ == Type::number_text;
    }
    [[nodiscard]] bool is_number_integer() const noexcept {
        return type_ == Type::integer || type_ == Type::unsigned_integer;
    }
    /// A non-negative integer (parsed, or made from any C++ integer type).
    [[nodiscard]] bool is_number_unsigned() const noexcept {
        return type_ == Type::unsigned_integer || (type_ == Type::integer && integer_ >= 0);
    }
    /// A number kept as its source text: one with a fraction or an exponent, or an integer
    /// beyond 64 bits (not a floating-point value: nothing here is ever converted to one).
    [[nodiscard]] bool is_number_text() const noexcept { return type_ == Type::number_text; }
    /// An integer that `I` represents exactly (what get<I>() then returns).
    template<class I>
    [[nodiscard]] bool fits() const noexcept {
        static_assert(std::is_integral_v<I> && !std::is_same_v<I, bool>, "Json::fits: integers");
        using Limits = std::numeric_limits<I>;
        if (type_ == Type::integer) {
            if (integer_ < 0)
                return std::is_signed_v<I> && integer_ >= static_cast<std::int64_t>(Limits::min());
            return static_cast<std::uint64_t>(integer_) <=
                   static_cast<std::uint64_t>(Limits::max());
        }
        return type_ == Type::unsigned_integer &&
               unsigned_ <= static_cast<std::uint64_t>(Limits::max());
    }
    [[nodiscard]] bool is_string() const noexcept { return type_ == Type::string; }
    [[nodiscard]] bool is_array() const noexcept { return type_ == Type::array; }
    [[nodiscard]] bool is_object() const noexcept { return type_ == Type::object; }
    [[nodiscard]] bool is_structured() const noexcept { return is_array() || is_object(); }
    [[nodiscard]] bool is_primitive() const noexcept { return !is_structured(); }

    // Reading: a value of another type reads as false / 0 / "" (never aborts).
    /// bool, any integer type (the integer when it fits() that type, else 0: never a wrapped
    /// or truncated value), std::string, std::string_view (into this value) or Json.
    template<class T>
    [[nodiscard]] T get() const {
        if constexpr (std::is_same_v<T, Json>) {
            return *this;
        } else if constexpr (std::is_same_v<T, bool>) {
            return type_ == Type::boolean && boolean_;
        } else if constexpr (std::is_integral_v<T>) {
            if (!fits<T>()) return T{};
            return type_ == Type::integer ? static_cast<T>(integer_) : static_cast<T>(unsigned_);
        } else if constexpr (std::is_same_v<T, std::string>) {
            return type_ == Type::string ? string_ : std::string{};
        } else {
            static_assert(std::is_same_v<T, std::string_view>, "Json::get: unsupported type");
            return type_ == Type::string ? std::string_view{string_} : std::string_view{};
        }
    }
    /// The string of a string value ("" for any other type).
    template<class T>
    [[nodiscard]] const std::string& get_ref() const noexcept {
        static_assert(std::is_same_v<T, const std::string&>, "Json::get_ref: strings only");
        return type_ == Type::string ? string_ : empty_string();
    }
    template<class T>
    [[nodiscard]] const std::string* get_ptr() const noexcept {
        static_assert(std::is_same_v<T, const std::string*>, "Json::get_ptr: strings only");
        return type_ == Type::string ? &string_ : nullptr;
    }
    /// The source text of a number_text value, else "".
    [[nodiscard]] std::string_view number_source() const noexcept {
        return type_ == Type::number_text ? std::string_view{string_} : std::string_view{};
    }

    // Containers. A mutating call made on a value of another kind (null, or anything else: its
    // old value is dropped) first makes it the empty array or object that call needs.
    [[nodiscard]] std::size_t size() const noexcept;
    [[nodiscard]] bool empty() const noexcept { return size() == 0; }

    [[nodiscard]] iterator begin() noexcept;
    [[nodiscard]] iterator end() noexcept;
    [[nodiscard]] const_iterator begin() const noexcept;
    [[nodiscard]] const_iterator end() const noexcept;

    /// The member `key`, or end().
    [[nodiscard]] iterator find(std::string_view key) noexcept;
    [[nodiscard]] const_iterator find(std::string_view key) const noexcept;
    [[nodiscard]] bool contains(std::string_view key) const noexcept { return find(key) != end(); }
    [[nodiscard]] std::size_t count(std::string_view key) const noexcept {
        return contains(key) ? 1 : 0;
    }
    /// The member `key`, inserted as null when absent.
    Json& operator[](std::string_view key);
    Json& operator[](const char* key) { return (*this)[std::string_view{key}]; }
    /// The member `key`, or null when absent.
    [[nodiscard]] const Json& operator[](std::string_view key) const noexcept;
    [[nodiscard]] const Json& operator[](const char* key) const noexcept {
        return (*this)[std::string_view{key}];
    }
    /// Element `index`; the non-const form grows the array with nulls to reach it.
    template<class I, std::enable_if_t<std::is_integral_v<I>, int> = 0>
    Json& operator[](I index) {
        return element(static_cast<std::size_t>(index));
    }
    template<class I, std::enable_if_t<std::is_integral_v<I>, int> = 0>
    [[nodiscard]] const Json& operator[](I index) const noexcept {
        return element(static_cast<std::size_t>(index));
    }
    [[nodiscard]] const Json& front() const noexcept { return element(0); }
    [[nodiscard]] const Json& back() const noexcept;
    Json& front() { return element(0); }
    Json& back();

    /// Inserts `key` unless present; {the member, whether inserted}.
    std::pair<iterator, bool> emplace(std::string_view key, Json value);
    /// Sets every member of `other` (an object) on this object.
    void update(const Json& other);
    /// Removes the member `key`; how many were removed.
    std::size_t erase(std::string_view key);
    std::size_t erase(const char* key) { return erase(std::string_view(key)); }
    /// Removes element `index` of an array; how many were removed.
    template<class I, std::enable_if_t<std::is_integral_v<I>, int> = 0>
    std::size_t erase(I index) {
        return erase_element(static_cast<std::size_t>(index));
    }
    void push_back(Json value);
    template<class... Args>
    Json& emplace_back(Args&&... args) {
        return as_array().emplace_back(std::forward<Args>(args)...);
    }
    /// The member `key` if it has the type of `fallback`, else `fallback`.
    template<class T>
    [[nodiscard]] T value(std::string_view key, T fallback) const {
        const Json& member = (*this)[key];
        if constexpr (std::is_same_v<T, Json>) {
            return contains(key) ? member : fallback;
        } else if constexpr (std::is_same_v<T, bool>) {
            return member.is_boolean() ? member.boolean_ : fallback;
        } else if constexpr (std::is_integral_v<T>) {
            return member.fits<T>() ? member.get<T>() : fallback;
        } else {
            return member.is_string() ? T{member.string_} : fallback;
        }
    }
    [[nodiscard]] std::string value(std::string_view key, const char* fallback) const {
        return value<std::string>(key, fallback);
    }

    /// The members of an object, for `for (auto& [k, v] : ...)`; for any other type none (the
    /// non-const form then gives a scratch list: what is added to it is not kept).
    [[nodiscard]] JsonObject& items();
    [[nodiscard]] const JsonObject& items() const noexcept;
    /// The elements of an array (empty for any other type).
    [[nodiscard]] const JsonArray& elements() const noexcept;
    /// Moves an array's elements out (none for any other type), leaving this value null.
    [[nodiscard]] JsonArray release_elements() noexcept;

    /// Compact serialisation; invalid UTF-8 in strings becomes U+FFFD.
    [[nodiscard]] std::string dump() const;

    /// Integers compare by value across signedness; number_text by source text.
    friend bool operator==(const Json& a, const Json& b) noexcept;
    friend bool operator!=(const Json& a, const Json& b) noexcept { return !(a == b); }

private:
    friend class JsonRef;
    static const std::string& empty_string() noexcept;
    static const Json& null_value() noexcept;
    JsonArray& as_array();
    JsonObject& as_object();
    Json& element(std::size_t index);
    std::size_t erase_element(std::size_t index);
    [[nodiscard]] const Json& element(std::size_t index) const noexcept;
    template<class Source>
    void construct_from(Source&& other);
    // Scalars (null, booleans, integers) own nothing: moving or destroying one is a copy of
    // its bytes or nothing, inline; only strings and containers take the out-of-line path.
    [[nodiscard]] bool owns_storage() const noexcept { return type_ >= Type::number_text; }
    void take(Json&& other) noexcept {
        if (!other.owns_storage()) {
            type_ = other.type_;
            std::memcpy(&unsigned_, &other.unsigned_, sizeof unsigned_);
            return;
        }
        take_storage(std::move(other));
    }
    void take_storage(Json&& other) noexcept;
    void destroy() noexcept {
        if (owns_storage()) destroy_storage();
        type_ = Type::null;
    }
    void destroy_storage() noexcept;

    Type type_ = Type::null;
    union {
        bool boolean_;
        std::int64_t integer_;
        std::uint64_t unsigned_ = 0; // every value starts with defined bytes (scalars move by copy)
        std::string string_;         // string and number_text
        JsonArray array_;
        JsonObject object_;
    };
};

static_assert(Json::Type::null < Json::Type::boolean && Json::Type::boolean < Json::Type::integer &&
                  Json::Type::integer < Json::Type::unsigned_integer &&
                  Json::Type::unsigned_integer < Json::Type::number_text &&
                  Json::Type::number_text < Json::Type::string &&
                  Json::Type::string < Json::Type::array && Json::Type::array < Json::Type::object,
              "Json::owns_storage: the types that own storage come last");

/// One element of a braced list of JSON values: owns its value, which the list's consumer
/// moves out (initializer lists only give const access, hence `mutable`). A two-element
/// list whose first element is a string is kept as a key and a value, not as an array, so
/// that `{{"key", value}, ...}` builds an object without an array per member.
class JsonRef {
public:
    template<class... Args, std::enable_if_t<std::is_constructible_v<Json, Args...>, int> = 0>
    JsonRef(Args&&... args)
        : value_(std::forward<Args>(args)...) {}
    JsonRef(std::initializer_list<JsonRef> init);

    /// Whether this is a `{"key", value}` pair.
    [[nodiscard]] bool is_member() const noexcept { return is_member_; }
    /// The value; a pair becomes the array [key, value].
    [[nodiscard]] Json take() const;
    /// A pair's key and value (only when is_member()).
    [[nodiscard]] JsonMember take_member() const;

private:
    mutable Json value_;        ///< the value, or a pair's key
    mutable Json member_value_; ///< a pair's value
    bool is_member_ = false;
};

template<bool IsConst>
inline typename JsonIterator<IsConst>::Value& JsonIterator<IsConst>::operator*() const noexcept {
    return member_ ? member_->second : *element_;
}

/// Parses `text`; nullopt for anything that is not exactly one JSON value (RFC 8259, UTF-8,
/// nested at most 512 deep).
[[nodiscard]] std::optional<Json> parse_json(std::string_view text) noexcept;

/// Serialises compactly, with invalid UTF-8 replaced, so dumping never aborts.
[[nodiscard]] std::string dump_json(const Json& value);
/// Appends the serialisation of `value` to `out`.
void append_json(std::string& out, const Json& value);
/// Appends `text` as a JSON string literal (quotes included).
void append_json_string(std::string& out, std::string_view text);

/// An object's members (empty for any other type), to move them out in order.
[[nodiscard]] inline JsonObject& object_members(Json& value) {
    return value.items();
}
/// Moves an array's elements out (none for any other type), leaving the value null.
[[nodiscard]] inline JsonArray release_elements(Json& value) noexcept {
    return value.release_elements();
}
/// An integer that `I` represents exactly (Json::fits, for code built with either Json).
template<class I>
[[nodiscard]] bool fits(const Json& value) noexcept {
    return value.fits<I>();
}

#endif

/// A member name for JsonObjectWriter: a literal, checked when compiling to be printable
/// ASCII without '"' or '\\', so that it is written as it is, with no escaping pass.
class JsonKey {
public:
    consteval JsonKey(const char* name)
        : name_(name) {
        for (char c : name_)
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\')
                member_name_needs_escaping(); // not constexpr: the build fails here
    }
    [[nodiscard]] constexpr std::string_view view() const noexcept { return name_; }

private:
    static void member_name_needs_escaping() noexcept;
    std::string_view name_;
};

/// Writes one JSON object straight to text, member by member, without building a tree:
/// for documents that are written whole on a request's path (stored records, events).
/// Strings are escaped as dump_json escapes them; `raw` members must already be JSON; names
/// are JsonKey literals.
class JsonObjectWriter {
public:
    JsonObjectWriter() {
        text_.reserve(256);
        text_.push_back('{');
    }
    JsonObjectWriter& string(JsonKey key, std::string_view value) {
        append_json_string(member(key), value);
        return *this;
    }
    /// The string, or null when there is none.
    JsonObjectWriter& optional_string(JsonKey key, const std::optional<std::string>& value) {
        return value ? string(key, *value) : raw(key, "null");
    }
    JsonObjectWriter& integer(JsonKey key, std::int64_t value) {
        return raw(key, std::to_string(value));
    }
    /// The integer, or null when there is none.
    JsonObjectWriter& optional_integer(JsonKey key, const std::optional<std::int64_t>& value) {
        return value ? integer(key, *value) : raw(key, "null");
    }
    JsonObjectWriter& boolean(JsonKey key, bool value) {
        return raw(key, value ? "true" : "false");
    }
    JsonObjectWriter& raw(JsonKey key, std::string_view json_text) {
        member(key).append(json_text);
        return *this;
    }
    /// The text; the writer is spent.
    [[nodiscard]] std::string finish() {
        text_.push_back('}');
        return std::move(text_);
    }

private:
    std::string& member(JsonKey key) {
        if (text_.size() > 1) text_.push_back(',');
        text_.push_back('"');
        text_.append(key.view());
        text_.append("\":", 2);
        return text_;
    }
    std::string text_;
};

/// The string member `key` of an untrusted object, else `fallback`.
[[nodiscard]] inline std::string string_or(const Json& object, std::string_view key,
                                           std::string fallback = {}) {
    const auto member = object.find(key);
    return member != object.end() && member->is_string() ? member->get_ref<const std::string&>()
                                                         : fallback;
}

/// The integer member `key` of an untrusted object when it fits 64 signed bits, else
/// `fallback` (as string_or).
[[nodiscard]] inline std::int64_t integer_or(const Json& object, std::string_view key,
                                             std::int64_t fallback) {
    const auto member = object.find(key);
    return member != object.end() && fits<std::int64_t>(*member) ? member->get<std::int64_t>()
                                                                 : fallback;
}

} // namespace paylinks
