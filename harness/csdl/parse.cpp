// CSDL XML -> csdl::document, with pugixml. Two passes over the schemas: the first learns every namespace and
// alias (a type may name a schema declared further down), the second reads the elements with names qualified.
#include "csdl/csdl.hpp"
#include "detail.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <fstream>

namespace conform::csdl {

namespace {

// Element names compared without their prefix: "edmx:Edmx" and a document that binds another prefix alike.
std::string_view local_name(const pugi::xml_node& n) {
  std::string_view s = n.name();
  if (auto colon = s.find(':'); colon != std::string_view::npos) s.remove_prefix(colon + 1);
  return s;
}

bool is(const pugi::xml_node& n, std::string_view name) {
  return local_name(n) == name;
}

std::string_view attr(const pugi::xml_node& n, const char* name) {
  return n.attribute(name).value();
}

// CSDL booleans are xs:boolean: "true"/"false"/"1"/"0".
bool flag(const pugi::xml_node& n, const char* name, bool fallback) {
  std::string_view v = attr(n, name);
  if (v == "true" || v == "1") return true;
  if (v == "false" || v == "0") return false;
  return fallback;
}

}  // namespace

class builder {
 public:
  builder(std::string_view text, std::string_view source) : text_(text) { doc_.source_ = source; }

  parse_result run() {
    parse_result out;
    index_lines();
    pugi::xml_document xml;
    // parse_default: entities are expanded ("&amp;" in a DefaultValue reads "&"); comments, PIs and the
    // DOCTYPE are skipped, which is all CSDL needs.
    const pugi::xml_parse_result r = xml.load_buffer(text_.data(), text_.size(), pugi::parse_default);
    if (!r) {
      out.error = std::string("not XML: ") + r.description();
      out.error_line = r.offset >= 0 ? doc_.line_of(static_cast<std::size_t>(r.offset)) : 0;
      return out;
    }
    const pugi::xml_node root = xml.document_element();
    if (!is(root, "Edmx")) {
      out.error =
          "not a CSDL document: root element <" + std::string(root.name()) + ">, expected <edmx:Edmx>";
      out.error_line = line(root);
      return out;
    }
    const pugi::xml_node services = child(root, "DataServices");
    if (!services) {
      out.error = "not a CSDL document: <edmx:Edmx> has no <edmx:DataServices>";
      out.error_line = line(root);
      return out;
    }
    for (const pugi::xml_node& n : root.children())
      if (is(n, "Reference"))
        for (const pugi::xml_node& inc : n.children())
          if (is(inc, "Include") && !attr(inc, "Alias").empty())
            doc_.aliases_.emplace(attr(inc, "Alias"), attr(inc, "Namespace"));
    for (const pugi::xml_node& s : services.children()) {
      if (!is(s, "Schema")) continue;
      schema sc{std::string(attr(s, "Namespace")), std::string(attr(s, "Alias"))};
      if (sc.name_space.empty()) {
        out.error = "a <Schema> without a Namespace";
        out.error_line = line(s);
        return out;
      }
      if (!sc.alias.empty()) doc_.aliases_.emplace(sc.alias, sc.name_space);
      doc_.schemas_.push_back(std::move(sc));
    }
    if (doc_.schemas_.empty()) {
      out.error = "not a CSDL document: <edmx:DataServices> holds no <Schema>";
      out.error_line = line(services);
      return out;
    }
    std::size_t at = 0;
    for (const pugi::xml_node& s : services.children())
      if (is(s, "Schema")) read_schema(s, doc_.schemas_[at++].name_space);
    build_indexes();
    out.doc = std::move(doc_);
    return out;
  }

 private:
  static pugi::xml_node child(const pugi::xml_node& n, std::string_view name) {
    for (const pugi::xml_node& c : n.children())
      if (is(c, name)) return c;
    return {};
  }

  void index_lines() {
    doc_.line_starts_.push_back(0);
    for (const char *p = text_.data(), *end = text_.data() + text_.size();
         (p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)))) != nullptr;)
      doc_.line_starts_.push_back(static_cast<std::size_t>(++p - text_.data()));
  }

  std::size_t line(const pugi::xml_node& n) const {
    const std::ptrdiff_t off = n.offset_debug();
    return off >= 0 ? doc_.line_of(static_cast<std::size_t>(off)) : 0;
  }

  // "graph.user" -> "microsoft.graph.user"; names that are not alias-qualified are kept.
  std::string qualify(std::string_view name) const {
    if (auto dot = name.rfind('.'); dot != std::string_view::npos) {
      if (auto it = doc_.aliases_.find(name.substr(0, dot)); it != doc_.aliases_.end())
        return it->second + std::string(name.substr(dot));
    }
    return std::string(name);
  }

  type_name read_type_name(std::string_view written) const {
    type_name t;
    std::string_view s = detail::strip_collection(written, t.collection);
    t.name = qualify(s);
    return t;
  }

  void read_schema(const pugi::xml_node& s, const std::string& ns) {
    for (const pugi::xml_node& n : s.children()) {
      const std::string_view kind = local_name(n);
      if (kind == "EntityType" || kind == "ComplexType")
        read_structured(n, ns, kind == "EntityType" ? type_kind::entity : type_kind::complex);
      else if (kind == "EnumType")
        read_enum(n, ns);
      else if (kind == "Function" || kind == "Action")
        read_operation(n, ns, kind == "Function" ? operation_kind::function : operation_kind::action);
      else if (kind == "EntityContainer")
        read_container(n);
    }
  }

  void read_structured(const pugi::xml_node& n, const std::string& ns, type_kind kind) {
    structured_type t;
    t.kind = kind;
    t.name = attr(n, "Name");
    t.qualified = ns + "." + t.name;
    if (std::string_view base = attr(n, "BaseType"); !base.empty()) t.base_type = qualify(base);
    t.abstract = flag(n, "Abstract", false);
    t.open_type = flag(n, "OpenType", false);
    t.has_stream = flag(n, "HasStream", false);
    t.line = line(n);
    for (const pugi::xml_node& c : n.children()) {
      const std::string_view what = local_name(c);
      if (what == "Key") {
        for (const pugi::xml_node& ref : c.children())
          if (is(ref, "PropertyRef")) t.key.emplace_back(attr(ref, "Name"));
      } else if (what == "Property" || what == "NavigationProperty") {
        property p;
        p.name = attr(c, "Name");
        p.type = read_type_name(attr(c, "Type"));
        p.nullable = flag(c, "Nullable", true);
        p.navigation = what == "NavigationProperty";
        p.contains_target = flag(c, "ContainsTarget", false);
        p.partner = attr(c, "Partner");
        p.max_length = attr(c, "MaxLength");
        p.precision = attr(c, "Precision");
        p.scale = attr(c, "Scale");
        p.default_value = attr(c, "DefaultValue");
        p.line = line(c);
        t.properties.push_back(std::move(p));
      }
    }
    doc_.structured_.push_back(std::move(t));
  }

  void read_enum(const pugi::xml_node& n, const std::string& ns) {
    enum_type e;
    e.name = attr(n, "Name");
    e.qualified = ns + "." + e.name;
    if (std::string_view u = attr(n, "UnderlyingType"); !u.empty()) e.underlying_type = qualify(u);
    e.is_flags = flag(n, "IsFlags", false);
    e.line = line(n);
    std::int64_t next = 0;
    for (const pugi::xml_node& m : n.children()) {
      if (!is(m, "Member")) continue;
      enum_member member{std::string(attr(m, "Name")), next};
      if (std::string_view v = attr(m, "Value"); !v.empty())
        std::from_chars(v.data(), v.data() + v.size(), member.value);  // unreadable: the implied value stays
      next = member.value + 1;
      e.members.push_back(std::move(member));
    }
    doc_.enums_.push_back(std::move(e));
  }

  void read_operation(const pugi::xml_node& n, const std::string& ns, operation_kind kind) {
    operation op;
    op.kind = kind;
    op.name = attr(n, "Name");
    op.qualified = ns + "." + op.name;
    op.is_bound = flag(n, "IsBound", false);
    op.is_composable = flag(n, "IsComposable", false);
    op.entity_set_path = attr(n, "EntitySetPath");
    op.line = line(n);
    for (const pugi::xml_node& c : n.children()) {
      if (is(c, "Parameter")) {
        op.parameters.push_back(
            {std::string(attr(c, "Name")), read_type_name(attr(c, "Type")), flag(c, "Nullable", true)});
      } else if (is(c, "ReturnType")) {
        op.return_type = read_type_name(attr(c, "Type"));
        op.return_nullable = flag(c, "Nullable", true);
      }
    }
    doc_.operations_.push_back(std::move(op));
  }

  std::vector<navigation_binding> read_bindings(const pugi::xml_node& n) const {
    std::vector<navigation_binding> out;
    for (const pugi::xml_node& b : n.children())
      if (is(b, "NavigationPropertyBinding"))
        out.push_back({std::string(attr(b, "Path")), std::string(attr(b, "Target"))});
    return out;
  }

  void read_container(const pugi::xml_node& n) {
    entity_container& c = doc_.container_;
    // One container per service; a second one (unusual) adds its members to the first's.
    if (c.name.empty()) c.name = attr(n, "Name");
    for (const pugi::xml_node& m : n.children()) {
      const std::string_view what = local_name(m);
      if (what == "EntitySet") {
        c.entity_sets.push_back(
            {std::string(attr(m, "Name")), qualify(attr(m, "EntityType")), read_bindings(m), line(m)});
      } else if (what == "Singleton") {
        c.singletons.push_back(
            {std::string(attr(m, "Name")), qualify(attr(m, "Type")), read_bindings(m), line(m)});
      } else if (what == "FunctionImport" || what == "ActionImport") {
        const bool function = what == "FunctionImport";
        c.imports.push_back({std::string(attr(m, "Name")), qualify(attr(m, function ? "Function" : "Action")),
                             std::string(attr(m, "EntitySet")),
                             function ? operation_kind::function : operation_kind::action});
      }
    }
  }

  void build_indexes() {
    // Sized once: rehashing as Graph's 3,800 names go in was a tenth of the parse.
    const std::size_t types = doc_.enums_.size() + doc_.structured_.size();
    doc_.types_.reserve(types);
    doc_.simple_types_.reserve(types);
    doc_.lower_types_.reserve(2 * types);
    doc_.bound_.reserve(doc_.operations_.size());
    auto add_type = [&](const std::string& qualified, const std::string& name, document::type_slot slot) {
      doc_.types_.emplace(qualified, slot);
      doc_.simple_types_.emplace(name, slot);  // emplace keeps the first schema's
      doc_.lower_types_.emplace(detail::lower(qualified), slot);
      doc_.lower_types_.emplace(detail::lower(name), slot);
    };
    for (std::size_t i = 0; i < doc_.enums_.size(); ++i)
      add_type(doc_.enums_[i].qualified, doc_.enums_[i].name, {true, i});
    for (std::size_t i = 0; i < doc_.structured_.size(); ++i) {
      const structured_type& t = doc_.structured_[i];
      add_type(t.qualified, t.name, {false, i});
      if (!t.base_type.empty()) doc_.derived_[t.base_type].push_back(i);
    }
    for (std::size_t i = 0; i < doc_.operations_.size(); ++i) {
      const operation& op = doc_.operations_[i];
      if (const parameter* b = op.binding())
        doc_.bound_[detail::bound_key(b->type.name, b->type.collection, op.name)].push_back(i);
      else
        doc_.unbound_.emplace(op.qualified, i);
    }
    const entity_container& c = doc_.container_;
    for (std::size_t i = 0; i < c.entity_sets.size(); ++i) {
      doc_.entity_sets_.emplace(c.entity_sets[i].name, i);
      doc_.lower_entity_sets_.emplace(detail::lower(c.entity_sets[i].name), i);
    }
    for (std::size_t i = 0; i < c.singletons.size(); ++i) {
      doc_.singletons_.emplace(c.singletons[i].name, i);
      doc_.lower_singletons_.emplace(detail::lower(c.singletons[i].name), i);
    }
    for (std::size_t i = 0; i < c.imports.size(); ++i) doc_.imports_.emplace(c.imports[i].name, i);
  }

  std::string_view text_;
  document doc_;
};

parse_result parse(std::string_view xml, std::string_view source) {
  // pugixml reports bad input through its result; what could still throw is std::bad_alloc, which is not
  // the document's fault but must not escape as an exception either.
  try {
    return builder(xml, source).run();
  } catch (const std::exception& e) {
    parse_result out;
    out.error = std::string("cannot parse: ") + e.what();
    return out;
  }
}

parse_result load(const std::filesystem::path& file) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(file, ec);
  std::string text;
  std::ifstream in(file, std::ios::binary);
  if (!ec && in) {
    text.resize(static_cast<std::size_t>(size));
    in.read(text.data(), static_cast<std::streamsize>(size));
  }
  if (ec || !in) {
    parse_result out;
    out.error = "cannot read " + file.string() + (ec ? ": " + ec.message() : std::string());
    return out;
  }
  return parse(text, file.string());
}

}  // namespace conform::csdl
