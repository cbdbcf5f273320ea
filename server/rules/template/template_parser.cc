// Recursive-descent parser following parse.go function by function. Errors
// unwind with a private exception caught in ParseTemplate (Go panics and
// recovers the same way); nothing escapes this file.
#include "server/rules/template/template_parser.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "server/rules/template/go_strings.h"
#include "server/rules/template/template_funcs.h"
#include "server/rules/template/template_lexer.h"

namespace vigil::rules::tmpl {
namespace {

struct ParseAbort {
  std::string message;
};

constexpr int kMaxNesting = 200;  // bounds recursion (Go has no limit)

bool IsEmptyTree(const Node* n) {
  if (n == nullptr) return true;
  switch (n->type) {
    case NodeType::kList:
      for (const auto& c : static_cast<const ListNode*>(n)->nodes) {
        if (!IsEmptyTree(c.get())) return false;
      }
      return true;
    case NodeType::kText: {
      const std::string& t = static_cast<const TextNode*>(n)->text;
      return std::all_of(t.begin(), t.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; });
    }
    default:
      return false;
  }
}

// Go's strconv.ParseInt/ParseUint with base 0 (prefixes 0x 0o 0b 0, '_').
bool ParseGoInteger(std::string text, bool is_signed, int64_t* i, uint64_t* u) {
  bool neg = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    if (!is_signed) return false;
    neg = text[0] == '-';
    text.erase(0, 1);
  }
  int base = 10;
  bool prefixed = false;
  if (text.size() > 1 && text[0] == '0') {
    char p = text[1] | 0x20;
    if (p == 'x') base = 16, prefixed = true;
    else if (p == 'o') base = 8, prefixed = true;
    else if (p == 'b') base = 2, prefixed = true;
    else base = 8;
  }
  std::string digits = prefixed ? text.substr(2) : text;
  // Underscores only between digits (or after a base prefix).
  std::string clean;
  char prev = prefixed ? '_' : '0';
  for (size_t k = 0; k < digits.size(); k++) {
    char c = digits[k];
    if (c == '_') {
      if (prev == '_' && !(prefixed && k == 0)) return false;
      prev = c;
      continue;
    }
    prev = c;
    clean.push_back(c);
  }
  if (!digits.empty() && digits.back() == '_') return false;
  if (clean.empty()) return false;
  uint64_t v = 0;
  for (char c : clean) {
    int d = c >= '0' && c <= '9' ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : 99;
    if (d >= base) return false;
    if (v > (UINT64_MAX - d) / base) return false;
    v = v * base + d;
  }
  if (!is_signed) {
    *u = v;
    return true;
  }
  if (neg) {
    if (v > static_cast<uint64_t>(INT64_MAX) + 1) return false;
    *i = static_cast<int64_t>(0 - v);
  } else {
    if (v > static_cast<uint64_t>(INT64_MAX)) return false;
    *i = static_cast<int64_t>(v);
  }
  return true;
}

bool ParseGoFloat(const std::string& text, double* out) {
  std::string clean;
  for (char c : text) {
    if (c != '_') clean.push_back(c);
  }
  if (clean.empty()) return false;
  // strtod also accepts "inf", "nan" and hex floats; the lexer only lets
  // digits, '.', signs, exponents and hex digits through.
  const char* begin = clean.c_str();
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(begin, &end);
  if (end != begin + clean.size()) return false;
  if (errno == ERANGE && std::isinf(v)) return false;
  *out = v;
  return true;
}

class Parser {
 public:
  Parser(std::string_view name, std::string_view text, ParsedTemplate* out)
      : name_(name), tokens_(LexTemplate(text)), out_(out) {}

  void Parse() {
    vars_ = {"$"};
    auto root = std::make_unique<ListNode>(Peek().pos);
    while (Peek().type != TokenType::kEOF) {
      if (Peek().type == TokenType::kLeftDelim) {
        size_t mark = idx_;
        Next();
        if (NextNonSpace().type == TokenType::kDefine) {
          ParseDefinition();
          continue;
        }
        idx_ = mark;
      }
      NodePtr n = TextOrAction();
      if (n->type == NodeType::kEnd || n->type == NodeType::kElse) Errorf("unexpected " + n->String());
      root->nodes.push_back(std::move(n));
    }
    Add(name_, std::move(root));
  }

 private:
  // ---- token stream ----
  const Token& Next() {
    const Token& t = tokens_[std::min(idx_, tokens_.size() - 1)];
    furthest_ = std::max(furthest_, std::min(idx_, tokens_.size() - 1));
    if (idx_ < tokens_.size()) idx_++;
    return t;
  }
  void Backup() { idx_--; }
  const Token& Peek() {
    const Token& t = Next();
    Backup();
    return t;
  }
  const Token& NextNonSpace() {
    for (;;) {
      const Token& t = Next();
      if (t.type != TokenType::kSpace) return t;
    }
  }
  const Token& PeekNonSpace() {
    const Token& t = NextNonSpace();
    Backup();
    return t;
  }

  [[noreturn]] void Errorf(const std::string& message) {
    throw ParseAbort{"template: " + name_ + ":" + std::to_string(tokens_[furthest_].line) + ": " + message};
  }
  [[noreturn]] void Unexpected(const Token& token, const std::string& context) {
    if (token.type == TokenType::kError) {
      std::string extra;
      if (action_line_ != 0 && action_line_ != token.line) {
        extra = " in action started at " + name_ + ":" + std::to_string(action_line_);
        if (token.val.ends_with(" action")) extra = extra.substr(std::string(" in action").size());
      }
      Errorf(token.val + extra);
    }
    Errorf("unexpected " + token.Describe() + " in " + context);
  }
  const Token& Expect(TokenType type, const std::string& context) {
    const Token& t = NextNonSpace();
    if (t.type != type) Unexpected(t, context);
    return t;
  }

  void Add(const std::string& name, std::unique_ptr<ListNode> root) {
    auto it = out_->trees.find(name);
    if (it == out_->trees.end() || IsEmptyTree(it->second.get())) {
      out_->trees[name] = std::move(root);
      return;
    }
    if (!IsEmptyTree(root.get())) Errorf("template: multiple definition of template " + GoQuote(name));
  }

  struct Depth {
    explicit Depth(Parser* p) : p_(p) {
      if (++p_->depth_ > kMaxNesting) p_->Errorf("template nesting too deep");
    }
    ~Depth() { p_->depth_--; }
    Parser* p_;
  };

  // ---- grammar ----
  void ParseDefinition() {
    const Token& name = NextNonSpace();
    if (name.type != TokenType::kString && name.type != TokenType::kRawString) Unexpected(name, "define clause");
    std::string def_name;
    if (!GoUnquote(name.val, &def_name)) Errorf("invalid syntax");
    Expect(TokenType::kRightDelim, "define clause");
    std::vector<std::string> saved_vars = std::move(vars_);
    int saved_range = range_depth_;
    vars_ = {"$"};
    range_depth_ = 0;
    auto [list, end] = ItemList();
    if (end->type != NodeType::kEnd) Errorf("unexpected " + end->String() + " in define clause");
    Add(def_name, std::move(list));
    vars_ = std::move(saved_vars);
    range_depth_ = saved_range;
  }

  std::pair<std::unique_ptr<ListNode>, NodePtr> ItemList() {
    Depth depth(this);
    auto list = std::make_unique<ListNode>(PeekNonSpace().pos);
    while (PeekNonSpace().type != TokenType::kEOF) {
      NodePtr n = TextOrAction();
      if (n->type == NodeType::kEnd || n->type == NodeType::kElse) return {std::move(list), std::move(n)};
      list->nodes.push_back(std::move(n));
    }
    Errorf("unexpected EOF");
  }

  NodePtr TextOrAction() {
    const Token& token = NextNonSpace();
    switch (token.type) {
      case TokenType::kText: return std::make_unique<TextNode>(token.pos, token.val);
      case TokenType::kLeftDelim: {
        action_line_ = token.line;
        NodePtr n = Action();
        action_line_ = 0;  // Go's clearActionLine
        return n;
      }
      default: Unexpected(token, "input");
    }
  }

  NodePtr Action() {
    const Token& token = NextNonSpace();
    switch (token.type) {
      case TokenType::kBlock: return BlockControl();
      case TokenType::kBreak: return LoopControl(token, NodeType::kBreak, "{{break}}");
      case TokenType::kContinue: return LoopControl(token, NodeType::kContinue, "{{continue}}");
      case TokenType::kElse: return ElseControl();
      case TokenType::kEnd: return std::make_unique<SimpleNode>(NodeType::kEnd, Expect(TokenType::kRightDelim, "end").pos);
      case TokenType::kIf: return Control(NodeType::kIf, true, "if");
      case TokenType::kRange: return Control(NodeType::kRange, false, "range");
      case TokenType::kTemplate: return TemplateControl();
      case TokenType::kWith: return Control(NodeType::kWith, false, "with");
      default: break;
    }
    Backup();
    const Token& t = Peek();
    int pos = t.pos, line = t.line;
    return std::make_unique<ActionNode>(pos, line, Pipeline("command", TokenType::kRightDelim));
  }

  NodePtr LoopControl(const Token& token, NodeType type, const std::string& what) {
    int pos = token.pos;
    const Token& t = NextNonSpace();
    if (t.type != TokenType::kRightDelim) Unexpected(t, what);
    if (range_depth_ == 0) Errorf(what + " outside {{range}}");
    return std::make_unique<SimpleNode>(type, pos);
  }

  NodePtr ElseControl() {
    const Token& peek = PeekNonSpace();
    if (peek.type == TokenType::kIf) return std::make_unique<SimpleNode>(NodeType::kElse, peek.pos);
    const Token& t = Expect(TokenType::kRightDelim, "else");
    return std::make_unique<SimpleNode>(NodeType::kElse, t.pos);
  }

  NodePtr Control(NodeType type, bool allow_else_if, const std::string& context) {
    Depth depth(this);
    size_t vars_mark = vars_.size();
    auto branch = std::make_unique<BranchNode>(type, 0, 0);
    branch->pipe = Pipeline(context, TokenType::kRightDelim);
    branch->pos = branch->pipe->pos;
    branch->line = branch->pipe->line;
    if (type == NodeType::kRange) range_depth_++;
    auto [list, next] = ItemList();
    if (type == NodeType::kRange) range_depth_--;
    branch->list = std::move(list);
    if (next->type == NodeType::kElse) {
      if (allow_else_if && Peek().type == TokenType::kIf) {
        Next();
        branch->else_list = std::make_unique<ListNode>(next->pos);
        branch->else_list->nodes.push_back(Control(NodeType::kIf, true, "if"));
      } else {
        auto [else_list, end] = ItemList();
        if (end->type != NodeType::kEnd) Errorf("expected end; found " + end->String());
        branch->else_list = std::move(else_list);
      }
    }
    vars_.resize(vars_mark);
    return branch;
  }

  std::string TemplateName(const Token& token, const std::string& context) {
    if (token.type != TokenType::kString && token.type != TokenType::kRawString) Unexpected(token, context);
    std::string s;
    if (!GoUnquote(token.val, &s)) Errorf("invalid syntax");
    return s;
  }

  NodePtr BlockControl() {
    const std::string context = "block clause";
    Token token = NextNonSpace();
    std::string name = TemplateName(token, context);
    auto pipe = Pipeline(context, TokenType::kRightDelim);
    std::vector<std::string> saved_vars = std::move(vars_);
    int saved_range = range_depth_;
    vars_ = {"$"};
    range_depth_ = 0;
    auto [list, end] = ItemList();
    if (end->type != NodeType::kEnd) Errorf("unexpected " + end->String() + " in " + context);
    Add(name, std::move(list));
    vars_ = std::move(saved_vars);
    range_depth_ = saved_range;
    return std::make_unique<TemplateNode>(token.pos, token.line, name, std::move(pipe));
  }

  NodePtr TemplateControl() {
    const std::string context = "template clause";
    Token token = NextNonSpace();
    std::string name = TemplateName(token, context);
    std::unique_ptr<PipeNode> pipe;
    if (NextNonSpace().type != TokenType::kRightDelim) {
      Backup();
      pipe = Pipeline(context, TokenType::kRightDelim);
    }
    return std::make_unique<TemplateNode>(token.pos, token.line, name, std::move(pipe));
  }

  std::unique_ptr<PipeNode> Pipeline(const std::string& context, TokenType end) {
    Depth depth(this);
    const Token& first = PeekNonSpace();
    auto pipe = std::make_unique<PipeNode>(first.pos, first.line);
    for (;;) {  // declarations
      const Token& v = PeekNonSpace();
      if (v.type != TokenType::kVariable) break;
      Token var = NextNonSpace();
      size_t after_var = idx_;
      const Token& next = PeekNonSpace();
      if (next.type == TokenType::kAssign || next.type == TokenType::kDeclare) {
        pipe->is_assign = next.type == TokenType::kAssign;
        NextNonSpace();
        pipe->decl.push_back(std::make_unique<VariableNode>(var.pos, std::vector<std::string>{var.val}));
        vars_.push_back(var.val);
        break;
      }
      if (next.type == TokenType::kChar && next.val == ",") {
        NextNonSpace();
        pipe->decl.push_back(std::make_unique<VariableNode>(var.pos, std::vector<std::string>{var.val}));
        vars_.push_back(var.val);
        if (context == "range" && pipe->decl.size() < 2) {
          TokenType t = PeekNonSpace().type;
          if (t == TokenType::kVariable || t == TokenType::kRightDelim || t == TokenType::kRightParen) continue;
          Errorf("range can only initialize variables");
        }
        Errorf("too many declarations in " + context);
      }
      idx_ = after_var - 1;  // not a declaration: back to the variable
      break;
    }
    for (;;) {
      const Token& token = NextNonSpace();
      if (token.type == end) {
        CheckPipeline(*pipe, context);
        return pipe;
      }
      switch (token.type) {
        case TokenType::kBool: case TokenType::kCharConstant: case TokenType::kComplex: case TokenType::kDot:
        case TokenType::kField: case TokenType::kIdentifier: case TokenType::kNumber: case TokenType::kNil:
        case TokenType::kRawString: case TokenType::kString: case TokenType::kVariable:
        case TokenType::kLeftParen:
          Backup();
          pipe->cmds.push_back(Command());
          break;
        default:
          Unexpected(token, context);
      }
    }
  }

  void CheckPipeline(const PipeNode& pipe, const std::string& context) {
    if (pipe.cmds.empty()) Errorf("missing value for " + context);
    for (size_t i = 1; i < pipe.cmds.size(); i++) {
      switch (pipe.cmds[i]->args[0]->type) {
        case NodeType::kBool: case NodeType::kDot: case NodeType::kNil: case NodeType::kNumber:
        case NodeType::kString:
          Errorf("non executable command in pipeline stage " + std::to_string(i + 1));
        default: break;
      }
    }
  }

  std::unique_ptr<CommandNode> Command() {
    auto cmd = std::make_unique<CommandNode>(PeekNonSpace().pos);
    for (;;) {
      PeekNonSpace();
      NodePtr operand = Operand();
      if (operand) cmd->args.push_back(std::move(operand));
      const Token& token = Next();
      if (token.type == TokenType::kSpace) continue;
      if (token.type == TokenType::kRightDelim || token.type == TokenType::kRightParen) {
        Backup();
      } else if (token.type != TokenType::kPipe) {
        Unexpected(token, "operand");
      }
      break;
    }
    if (cmd->args.empty()) Errorf("empty command");
    return cmd;
  }

  NodePtr Operand() {
    NodePtr node = Term();
    if (!node) return nullptr;
    if (Peek().type == TokenType::kField) {
      auto chain = std::make_unique<ChainNode>(Peek().pos, nullptr);
      std::vector<std::string> fields;
      while (Peek().type == TokenType::kField) fields.push_back(Next().val.substr(1));
      switch (node->type) {
        case NodeType::kField: {
          auto* f = static_cast<FieldNode*>(node.get());
          f->ident.insert(f->ident.end(), fields.begin(), fields.end());
          f->pos = chain->pos;
          return node;
        }
        case NodeType::kVariable: {
          auto* v = static_cast<VariableNode*>(node.get());
          v->ident.insert(v->ident.end(), fields.begin(), fields.end());
          v->pos = chain->pos;
          return node;
        }
        case NodeType::kBool: case NodeType::kString: case NodeType::kNumber: case NodeType::kNil:
        case NodeType::kDot:
          Errorf("unexpected . after term " + GoQuote(node->String()));
        default:
          chain->node = std::move(node);
          chain->field = std::move(fields);
          return chain;
      }
    }
    return node;
  }

  NodePtr Term() {
    const Token& token = NextNonSpace();
    switch (token.type) {
      case TokenType::kIdentifier: {
        const TemplateFunc* fn = FindTemplateFunc(token.val);
        if (fn == nullptr) Errorf("function " + GoQuote(token.val) + " not defined");
        return std::make_unique<IdentifierNode>(token.pos, token.val, fn);
      }
      case TokenType::kDot: return std::make_unique<SimpleNode>(NodeType::kDot, token.pos);
      case TokenType::kNil: return std::make_unique<SimpleNode>(NodeType::kNil, token.pos);
      case TokenType::kVariable: {
        // useVar: the variable must be declared.
        if (std::find(vars_.rbegin(), vars_.rend(), token.val) == vars_.rend()) {
          Errorf("undefined variable " + GoQuote(token.val));
        }
        return std::make_unique<VariableNode>(token.pos, std::vector<std::string>{token.val});
      }
      case TokenType::kField: {
        return std::make_unique<FieldNode>(token.pos, std::vector<std::string>{token.val.substr(1)});
      }
      case TokenType::kBool: return std::make_unique<BoolNode>(token.pos, token.val == "true");
      case TokenType::kCharConstant: case TokenType::kComplex: case TokenType::kNumber:
        return NewNumber(token);
      case TokenType::kLeftParen: {
        Depth depth(this);
        return Pipeline("parenthesized pipeline", TokenType::kRightParen);
      }
      case TokenType::kString: case TokenType::kRawString: {
        std::string s;
        if (!GoUnquote(token.val, &s)) Errorf("invalid syntax");
        return std::make_unique<StringNode>(token.pos, token.val, s);
      }
      default:
        Backup();
        return nullptr;
    }
  }

  NodePtr NewNumber(const Token& token) {
    auto n = std::make_unique<NumberNode>(token.pos, token.val);
    const std::string& text = token.val;
    if (token.type == TokenType::kCharConstant) {
      std::string decoded;
      if (!GoUnquote(text, &decoded)) {
        // strconv.UnquoteChar succeeds on the first rune but leaves a tail.
        std::string first;
        if (text.size() > 2 && text[1] != '\\' && GoUnquote(text.substr(0, 1 + RuneLength(text, 1)) + "'", &first)) {
          Errorf("malformed character constant: " + text);
        }
        Errorf("invalid syntax");
      }
      int rune = DecodeRune(decoded, 0);
      n->is_int = n->is_uint = n->is_float = true;
      n->int_value = rune;
      n->uint_value = static_cast<uint64_t>(rune);
      n->float_value = rune;
      return n;
    }
    if (token.type == TokenType::kComplex || (!text.empty() && text.back() == 'i')) {
      Errorf("complex constants are not supported: " + GoQuote(text));
    }
    uint64_t u = 0;
    int64_t i = 0;
    if (ParseGoInteger(text, false, &i, &u)) {
      n->is_uint = true;
      n->uint_value = u;
    }
    if (ParseGoInteger(text, true, &i, &u)) {
      n->is_int = true;
      n->int_value = i;
      if (i == 0) {
        n->is_uint = true;
        n->uint_value = 0;
      }
    }
    if (n->is_int) {
      n->is_float = true;
      n->float_value = static_cast<double>(n->int_value);
    } else if (n->is_uint) {
      n->is_float = true;
      n->float_value = static_cast<double>(n->uint_value);
    } else {
      double f = 0;
      if (ParseGoFloat(text, &f)) {
        if (text.find_first_of(".eEpP") == std::string::npos) Errorf("integer overflow: " + GoQuote(text));
        n->is_float = true;
        n->float_value = f;
        if (std::fabs(f) < 9.2e18 && static_cast<double>(static_cast<int64_t>(f)) == f) {
          n->is_int = true;
          n->int_value = static_cast<int64_t>(f);
        }
        if (f >= 0 && f < 1.8e19 && static_cast<double>(static_cast<uint64_t>(f)) == f) {
          n->is_uint = true;
          n->uint_value = static_cast<uint64_t>(f);
        }
      }
    }
    if (!n->is_int && !n->is_uint && !n->is_float) Errorf("illegal number syntax: " + GoQuote(text));
    return n;
  }

  std::string name_;
  std::vector<Token> tokens_;
  ParsedTemplate* out_;
  size_t idx_ = 0;
  size_t furthest_ = 0;
  std::vector<std::string> vars_;
  int range_depth_ = 0;
  int action_line_ = 0;
  int depth_ = 0;
};

}  // namespace

std::string ParsedTemplate::Location(int pos) const {
  std::string_view before = std::string_view(text).substr(0, std::min<size_t>(pos, text.size()));
  size_t nl = before.rfind('\n');
  size_t col = nl == std::string_view::npos ? before.size() : before.size() - nl - 1;
  size_t line = 1 + std::count(before.begin(), before.end(), '\n');
  return name + ":" + std::to_string(line) + ":" + std::to_string(col);
}

Result<std::shared_ptr<const ParsedTemplate>> ParseTemplate(std::string_view name, std::string_view text) {
  auto parsed = std::make_shared<ParsedTemplate>();
  parsed->name = std::string(name);
  parsed->text = std::string(text);
  try {
    Parser(name, parsed->text, parsed.get()).Parse();
  } catch (const ParseAbort& abort) {
    return Status::InvalidArgument(abort.message);
  }
  return std::shared_ptr<const ParsedTemplate>(std::move(parsed));
}

}  // namespace vigil::rules::tmpl
