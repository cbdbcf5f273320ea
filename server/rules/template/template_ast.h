// Parse tree of a Go text/template (text/template/parse/node.go): node kinds,
// byte positions for error locations, and String() forms identical to Go's,
// because execution errors quote them ("executing \"x\" at <.Foo>: ...").
// Immutable after parsing; safe to share across threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace vigil::rules::tmpl {

struct TemplateFunc;

enum class NodeType {
  kText, kAction, kBool, kChain, kCommand, kDot, kField, kIdentifier, kIf, kList, kNil, kNumber,
  kPipe, kRange, kString, kTemplate, kVariable, kWith, kBreak, kContinue,
  kElse, kEnd,  // parser-internal markers
};

struct Node {
  Node(NodeType t, int p) : type(t), pos(p) {}
  virtual ~Node() = default;
  virtual std::string String() const = 0;
  NodeType type;
  int pos;  // byte offset in the template text
};
using NodePtr = std::unique_ptr<Node>;

struct TextNode : Node {
  TextNode(int p, std::string t) : Node(NodeType::kText, p), text(std::move(t)) {}
  std::string String() const override { return text; }
  std::string text;
};

struct ListNode : Node {
  explicit ListNode(int p) : Node(NodeType::kList, p) {}
  std::string String() const override;
  std::vector<NodePtr> nodes;
};

struct VariableNode : Node {
  VariableNode(int p, std::vector<std::string> i) : Node(NodeType::kVariable, p), ident(std::move(i)) {}
  std::string String() const override;
  std::vector<std::string> ident;  // "$x", then field names
};

struct CommandNode : Node {
  explicit CommandNode(int p) : Node(NodeType::kCommand, p) {}
  std::string String() const override;
  std::vector<NodePtr> args;
};

struct PipeNode : Node {
  PipeNode(int p, int l) : Node(NodeType::kPipe, p), line(l) {}
  std::string String() const override;
  int line;
  bool is_assign = false;
  std::vector<std::unique_ptr<VariableNode>> decl;
  std::vector<std::unique_ptr<CommandNode>> cmds;
};

struct ActionNode : Node {
  ActionNode(int p, int l, std::unique_ptr<PipeNode> pp) : Node(NodeType::kAction, p), line(l), pipe(std::move(pp)) {}
  std::string String() const override { return "{{" + pipe->String() + "}}"; }
  int line;
  std::unique_ptr<PipeNode> pipe;
};

struct IdentifierNode : Node {
  IdentifierNode(int p, std::string i, const TemplateFunc* f)
      : Node(NodeType::kIdentifier, p), ident(std::move(i)), func(f) {}
  std::string String() const override { return ident; }
  std::string ident;
  const TemplateFunc* func;  // resolved at parse time
};

struct SimpleNode : Node {  // dot, nil, break, continue, else, end
  SimpleNode(NodeType t, int p) : Node(t, p) {}
  std::string String() const override;
};

struct FieldNode : Node {
  FieldNode(int p, std::vector<std::string> i) : Node(NodeType::kField, p), ident(std::move(i)) {}
  std::string String() const override;
  std::vector<std::string> ident;
};

struct ChainNode : Node {
  ChainNode(int p, NodePtr n) : Node(NodeType::kChain, p), node(std::move(n)) {}
  std::string String() const override;
  NodePtr node;
  std::vector<std::string> field;
};

struct BoolNode : Node {
  BoolNode(int p, bool v) : Node(NodeType::kBool, p), value(v) {}
  std::string String() const override { return value ? "true" : "false"; }
  bool value;
};

struct NumberNode : Node {
  NumberNode(int p, std::string t) : Node(NodeType::kNumber, p), text(std::move(t)) {}
  std::string String() const override { return text; }
  bool is_int = false, is_uint = false, is_float = false, is_complex = false;
  int64_t int_value = 0;
  uint64_t uint_value = 0;
  double float_value = 0;  // also the real part of a complex constant
  double imag_value = 0;
  std::string text;
};

struct StringNode : Node {
  StringNode(int p, std::string q, std::string t)
      : Node(NodeType::kString, p), quoted(std::move(q)), text(std::move(t)) {}
  std::string String() const override { return quoted; }
  std::string quoted;
  std::string text;
};

// if / range / with.
struct BranchNode : Node {
  BranchNode(NodeType t, int p, int l) : Node(t, p), line(l) {}
  std::string String() const override;
  int line;
  std::unique_ptr<PipeNode> pipe;
  std::unique_ptr<ListNode> list;
  std::unique_ptr<ListNode> else_list;  // may be null
};

struct TemplateNode : Node {
  TemplateNode(int p, int l, std::string n, std::unique_ptr<PipeNode> pp)
      : Node(NodeType::kTemplate, p), line(l), name(std::move(n)), pipe(std::move(pp)) {}
  std::string String() const override;
  int line;
  std::string name;
  std::unique_ptr<PipeNode> pipe;  // may be null
};

}  // namespace vigil::rules::tmpl
