// String() forms of parse nodes, as node.go writes them.
#include "server/rules/template/template_ast.h"

#include "server/rules/template/go_strings.h"

namespace vigil::rules::tmpl {
namespace {

std::string JoinFields(const std::vector<std::string>& idents, size_t from) {
  std::string out;
  for (size_t i = from; i < idents.size(); i++) out += "." + idents[i];
  return out;
}

}  // namespace

std::string ListNode::String() const {
  std::string out;
  for (const auto& n : nodes) out += n->String();
  return out;
}

std::string VariableNode::String() const {
  std::string out;
  for (size_t i = 0; i < ident.size(); i++) {
    if (i > 0) out += ".";
    out += ident[i];
  }
  return out;
}

std::string CommandNode::String() const {
  std::string out;
  for (size_t i = 0; i < args.size(); i++) {
    if (i > 0) out += " ";
    if (args[i]->type == NodeType::kPipe) {
      out.push_back('(');
      out += args[i]->String();
      out.push_back(')');
    } else {
      out += args[i]->String();
    }
  }
  return out;
}

std::string PipeNode::String() const {
  std::string out;
  if (!decl.empty()) {
    for (size_t i = 0; i < decl.size(); i++) {
      if (i > 0) out += ", ";
      out += decl[i]->String();
    }
    out += is_assign ? " = " : " := ";
  }
  for (size_t i = 0; i < cmds.size(); i++) {
    if (i > 0) out += " | ";
    out += cmds[i]->String();
  }
  return out;
}

std::string SimpleNode::String() const {
  switch (type) {
    case NodeType::kDot: return ".";
    case NodeType::kNil: return "nil";
    case NodeType::kBreak: return "{{break}}";
    case NodeType::kContinue: return "{{continue}}";
    case NodeType::kElse: return "{{else}}";
    case NodeType::kEnd: return "{{end}}";
    default: return "";
  }
}

std::string FieldNode::String() const { return JoinFields(ident, 0); }

std::string ChainNode::String() const {
  std::string out;
  if (node->type == NodeType::kPipe) out.push_back('(');
  out += node->String();
  if (node->type == NodeType::kPipe) out.push_back(')');
  out += JoinFields(field, 0);
  return out;
}

std::string BranchNode::String() const {
  const char* name = type == NodeType::kIf ? "if" : type == NodeType::kRange ? "range" : "with";
  std::string out = std::string("{{") + name + " " + pipe->String() + "}}" + list->String();
  if (else_list) out += "{{else}}" + else_list->String();
  return out + "{{end}}";
}

std::string TemplateNode::String() const {
  if (!pipe) return "{{template " + GoQuote(name) + "}}";
  return "{{template " + GoQuote(name) + " " + pipe->String() + "}}";
}

}  // namespace vigil::rules::tmpl
