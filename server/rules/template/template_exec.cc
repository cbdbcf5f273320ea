// The executor follows exec.go's state machine: `node_` tracks the node being
// evaluated for error locations, `vars_` is the push-down variable stack.
// Errors unwind with a private exception caught in ExecuteParsedTemplate (Go
// panics and recovers the same way); nothing escapes this file.
#include "server/rules/template/template_exec.h"

#include <vector>

#include "server/rules/template/go_printf.h"
#include "server/rules/template/go_strings.h"
#include "server/rules/template/template_methods.h"

namespace vigil::rules::tmpl {
namespace {

struct ExecAbort {
  std::string message;
};

enum class Flow { kNormal, kBreak, kContinue };

class Executor {
 public:
  Executor(const ParsedTemplate& tmpl, const FuncEnv& env, const ExecLimits& limits)
      : tmpl_(tmpl), env_(env), limits_(limits), name_(tmpl.name) {}

  std::string Run(const Value& data) {
    auto it = tmpl_.trees.find(tmpl_.name);
    if (it == tmpl_.trees.end()) Errorf(GoQuote(tmpl_.name) + " is an incomplete or empty template");
    vars_.push_back({"$", data});
    Walk(data, it->second.get());
    return std::move(out_);
  }

 private:
  [[noreturn]] void Errorf(const std::string& message) {
    if (node_ == nullptr) throw ExecAbort{"template: " + name_ + ": " + message};
    throw ExecAbort{"template: " + tmpl_.Location(node_->pos) + ": executing " + GoQuote(name_) + " at <" +
                    node_->String() + ">: " + message};
  }
  void At(const Node* n) { node_ = n; }
  void Step() {
    if (++steps_ > limits_.max_steps) Errorf("template exceeded " + std::to_string(limits_.max_steps) + " steps");
  }
  void CheckOutput() {
    if (out_.size() > limits_.max_output_bytes) {
      Errorf("template output exceeds " + std::to_string(limits_.max_output_bytes) + " bytes");
    }
  }

  // ---- variables ----
  void SetVar(const std::string& name, const Value& v) {
    for (size_t i = vars_.size(); i-- > 0;) {
      if (vars_[i].first == name) {
        vars_[i].second = v;
        return;
      }
    }
    Errorf("undefined variable: " + name);
  }
  const Value& VarValue(const std::string& name) {
    for (size_t i = vars_.size(); i-- > 0;) {
      if (vars_[i].first == name) return vars_[i].second;
    }
    Errorf("undefined variable: " + name);
  }

  // ---- walking ----
  Flow Walk(const Value& dot, const Node* node) {
    Step();
    At(node);
    switch (node->type) {
      case NodeType::kAction: {
        const auto* action = static_cast<const ActionNode*>(node);
        Value v = EvalPipeline(dot, action->pipe.get());
        if (action->pipe->decl.empty()) {
          At(node);
          AppendPrintedValue(v, &out_);
          CheckOutput();
        }
        return Flow::kNormal;
      }
      case NodeType::kBreak: return Flow::kBreak;
      case NodeType::kContinue: return Flow::kContinue;
      case NodeType::kIf: case NodeType::kWith: return WalkIfOrWith(dot, static_cast<const BranchNode*>(node));
      case NodeType::kList:
        for (const auto& n : static_cast<const ListNode*>(node)->nodes) {
          Flow f = Walk(dot, n.get());
          if (f != Flow::kNormal) return f;
        }
        return Flow::kNormal;
      case NodeType::kRange: WalkRange(dot, static_cast<const BranchNode*>(node)); return Flow::kNormal;
      case NodeType::kTemplate: WalkTemplate(dot, static_cast<const TemplateNode*>(node)); return Flow::kNormal;
      case NodeType::kText:
        out_ += static_cast<const TextNode*>(node)->text;
        CheckOutput();
        return Flow::kNormal;
      default: Errorf("unknown node: " + node->String());
    }
  }

  Flow WalkIfOrWith(const Value& dot, const BranchNode* n) {
    size_t mark = vars_.size();
    Value v = EvalPipeline(dot, n->pipe.get());
    Flow f = Flow::kNormal;
    if (IsTrue(v)) {
      f = Walk(n->type == NodeType::kWith ? v : dot, n->list.get());
    } else if (n->else_list) {
      f = Walk(dot, n->else_list.get());
    }
    vars_.resize(mark);
    return f;
  }

  void WalkRange(const Value& dot, const BranchNode* r) {
    At(r);
    size_t outer_mark = vars_.size();
    Value v = EvalPipeline(dot, r->pipe.get());
    size_t mark = vars_.size();
    const auto& decl = r->pipe->decl;
    // Returns false on {{break}}.
    auto one_iteration = [&](const Value& index, const Value& elem) {
      if (!decl.empty()) {
        if (r->pipe->is_assign) {
          SetVar(decl[0]->ident[0], decl.size() > 1 ? index : elem);
        } else {
          vars_[vars_.size() - 1].second = elem;
        }
      }
      if (decl.size() > 1) {
        if (r->pipe->is_assign) {
          SetVar(decl[1]->ident[0], elem);
        } else {
          vars_[vars_.size() - 2].second = index;
        }
      }
      Flow f = Walk(elem, r->list.get());
      vars_.resize(mark);
      return f != Flow::kBreak;
    };
    bool iterated = false;
    switch (v.kind) {
      case ValueKind::kList:
        for (size_t i = 0; i < v.list->items.size(); i++) {
          iterated = true;
          if (!one_iteration(Value::Int(static_cast<int64_t>(i)), v.list->items[i])) break;
        }
        break;
      case ValueKind::kMap:
        for (const auto& [k, elem] : v.map->entries) {
          iterated = true;
          if (!one_iteration(Value::String(k), elem)) break;
        }
        break;
      case ValueKind::kInvalid: case ValueKind::kNil: break;
      default:
        Errorf("range can't iterate over " + GoSprint({v}));
    }
    if (!iterated && r->else_list) Walk(dot, r->else_list.get());
    vars_.resize(outer_mark);
  }

  void WalkTemplate(const Value& dot, const TemplateNode* t) {
    At(t);
    auto it = tmpl_.trees.find(t->name);
    if (it == tmpl_.trees.end()) Errorf("template " + GoQuote(t->name) + " not defined");
    if (depth_ >= limits_.max_template_depth) {
      Errorf("exceeded maximum template depth (" + std::to_string(limits_.max_template_depth) + ")");
    }
    Value new_dot = EvalPipeline(dot, t->pipe.get());
    std::vector<std::pair<std::string, Value>> saved_vars = std::move(vars_);
    std::string saved_name = std::move(name_);
    vars_ = {{"$", new_dot}};
    name_ = t->name;
    depth_++;
    Walk(new_dot, it->second.get());
    depth_--;
    name_ = std::move(saved_name);
    vars_ = std::move(saved_vars);
  }

  // ---- evaluation ----
  Value EvalPipeline(const Value& dot, const PipeNode* pipe) {
    if (pipe == nullptr) return Value();
    At(pipe);
    Value value;
    bool have_final = false;
    for (const auto& cmd : pipe->cmds) {
      value = EvalCommand(dot, cmd.get(), have_final ? &value : nullptr);
      // A nil interface{} result is unwrapped to "no value", as Go does.
      if (value.kind == ValueKind::kNil) value = Value();
      have_final = true;
    }
    for (const auto& var : pipe->decl) {
      if (pipe->is_assign) {
        SetVar(var->ident[0], value);
      } else {
        vars_.push_back({var->ident[0], value});
      }
    }
    return value;
  }

  void NotAFunction(const std::vector<NodePtr>& args, const Value* final) {
    if (args.size() > 1 || final != nullptr) Errorf("can't give argument to non-function " + args[0]->String());
  }

  Value EvalCommand(const Value& dot, const CommandNode* cmd, const Value* final) {
    Step();
    const Node* first = cmd->args[0].get();
    switch (first->type) {
      case NodeType::kField:
        return EvalFieldNode(dot, static_cast<const FieldNode*>(first), cmd->args, final);
      case NodeType::kChain:
        return EvalChainNode(dot, static_cast<const ChainNode*>(first), cmd->args, final);
      case NodeType::kIdentifier:
        return EvalFunction(dot, static_cast<const IdentifierNode*>(first), cmd, &cmd->args, final);
      case NodeType::kPipe:
        NotAFunction(cmd->args, final);
        return EvalPipeline(dot, static_cast<const PipeNode*>(first));
      case NodeType::kVariable:
        return EvalVariableNode(dot, static_cast<const VariableNode*>(first), cmd->args, final);
      default: break;
    }
    At(first);
    NotAFunction(cmd->args, final);
    switch (first->type) {
      case NodeType::kBool: return Value::Bool(static_cast<const BoolNode*>(first)->value);
      case NodeType::kDot: return dot;
      case NodeType::kNil: Errorf("nil is not a command");
      case NodeType::kNumber: return IdealConstant(static_cast<const NumberNode*>(first));
      case NodeType::kString: return Value::String(static_cast<const StringNode*>(first)->text);
      default: Errorf("can't evaluate command " + GoQuote(first->String()));
    }
  }

  Value IdealConstant(const NumberNode* n) {
    At(n);
    const std::string& t = n->text;
    bool hex_int = t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X') && t.find_first_of("pP") == std::string::npos;
    bool rune_int = !t.empty() && t[0] == '\'';
    if (n->is_complex) Errorf("complex constants are not supported: " + t);
    if (n->is_float && !hex_int && !rune_int && t.find_first_of(".eEpP") != std::string::npos) {
      return Value::Float(n->float_value);
    }
    if (n->is_int) return Value::Int(n->int_value);
    if (n->is_uint) Errorf(t + " overflows int");
    return Value();
  }

  Value EvalFieldNode(const Value& dot, const FieldNode* f, const std::vector<NodePtr>& args, const Value* final) {
    At(f);
    return EvalFieldChain(dot, dot, f, f->ident, 0, args, final);
  }

  Value EvalChainNode(const Value& dot, const ChainNode* chain, const std::vector<NodePtr>& args,
                      const Value* final) {
    At(chain);
    if (chain->node->type == NodeType::kNil) Errorf("indirection through explicit nil in " + chain->String());
    Value pipe = EvalArg(dot, ParamType::kReflect, chain->node.get());
    return EvalFieldChain(dot, pipe, chain, chain->field, 0, args, final);
  }

  Value EvalVariableNode(const Value& dot, const VariableNode* v, const std::vector<NodePtr>& args,
                         const Value* final) {
    At(v);
    Value value = VarValue(v->ident[0]);
    if (v->ident.size() == 1) {
      if (!args.empty()) NotAFunction(args, final);
      return value;
    }
    return EvalFieldChain(dot, value, v, v->ident, 1, args, final);
  }

  Value EvalFieldChain(const Value& dot, Value receiver, const Node* node, const std::vector<std::string>& ident,
                       size_t from, const std::vector<NodePtr>& args, const Value* final) {
    static const std::vector<NodePtr> kNoArgs;
    for (size_t i = from; i + 1 < ident.size(); i++) {
      receiver = EvalField(dot, ident[i], node, kNoArgs, nullptr, receiver);
    }
    return EvalField(dot, ident.back(), node, args, final, receiver);
  }

  Value EvalField(const Value& dot, const std::string& name, const Node* node, const std::vector<NodePtr>& args,
                  const Value* final, const Value& receiver) {
    if (!receiver.valid()) return Value();
    if (receiver.kind == ValueKind::kNil) Errorf("nil pointer evaluating interface {}." + name);
    if (const TemplateFunc* method = FindMethod(receiver, name)) {
      return EvalCall(dot, *method, node, name, args.empty() ? nullptr : &args, final, &receiver);
    }
    bool has_args = args.size() > 1 || final != nullptr;
    if (receiver.kind == ValueKind::kStruct) {
      for (const auto& [field_name, field_value] : receiver.fields->fields) {
        if (field_name == name) {
          if (has_args) Errorf(name + " has arguments but cannot be invoked as function");
          return field_value;
        }
      }
    } else if (receiver.kind == ValueKind::kMap) {
      if (has_args) Errorf(name + " is not a method but has arguments");
      auto it = receiver.map->entries.find(name);
      if (it != receiver.map->entries.end()) return it->second;
      return receiver.map->elem_is_string ? Value::String("") : Value::Nil();  // missingkey=zero
    }
    Errorf("can't evaluate field " + name + " in type " + receiver.TypeName());
  }

  Value EvalFunction(const Value& dot, const IdentifierNode* id, const Node* call_node,
                     const std::vector<NodePtr>* args, const Value* final) {
    At(id);
    return EvalCall(dot, *id->func, call_node, id->ident, args, final);
  }

  // `receiver` is set for method calls; it becomes the implementation's args[0].
  Value EvalCall(const Value& dot, const TemplateFunc& fn, const Node* call_node, const std::string& name,
                 const std::vector<NodePtr>* all_args, const Value* final, const Value* receiver = nullptr) {
    std::vector<const Node*> args;
    if (all_args != nullptr) {
      for (size_t i = 1; i < all_args->size(); i++) args.push_back((*all_args)[i].get());
    }
    size_t num_in = args.size() + (final != nullptr ? 1 : 0);
    size_t num_fixed = args.size();
    if (fn.variadic) {
      num_fixed = fn.params.size() - 1;
      if (num_in < num_fixed) {
        Errorf("wrong number of args for " + name + ": want at least " + std::to_string(num_fixed) + " got " +
               std::to_string(args.size()));
      }
    } else if (num_in != fn.params.size()) {
      Errorf("wrong number of args for " + name + ": want " + std::to_string(fn.params.size()) + " got " +
             std::to_string(num_in));
    }
    if (fn.short_circuit) {  // and / or
      bool is_or = name == "or";
      Value v;
      for (const Node* arg : args) {
        v = EvalArg(dot, ParamType::kReflect, arg);
        if (IsTrue(v) == is_or) return v;
      }
      if (final != nullptr) v = *final;
      return v;
    }
    std::vector<Value> argv;
    argv.reserve(num_in + 1);
    if (receiver != nullptr) argv.push_back(*receiver);
    size_t i = 0;
    for (; i < num_fixed && i < args.size(); i++) argv.push_back(EvalArg(dot, fn.params[i], args[i]));
    if (fn.variadic) {
      for (; i < args.size(); i++) argv.push_back(EvalArg(dot, fn.params.back(), args[i]));
    }
    if (final != nullptr) {
      ParamType t = fn.params.empty() ? ParamType::kAny : fn.params.back();
      if (fn.variadic && num_in - 1 < num_fixed) t = fn.params[num_in - 1];
      argv.push_back(ValidateType(*final, t));
    }
    Result<Value> result = fn.impl(argv, env_);
    if (!result.ok()) {
      At(call_node);
      Errorf("error calling " + name + ": " + result.status().message());
    }
    return std::move(result).value();
  }

  static bool CanBeNil(ParamType t) { return t != ParamType::kString && t != ParamType::kFloat64; }

  // reflect.Zero of a nil-able parameter type: a nil queryResult is an empty
  // list (prints "[]"); other types get a nil interface.
  static Value ZeroOf(ParamType t) {
    if (t == ParamType::kReflect) return Value();
    if (t == ParamType::kQueryResult) {
      return Value::List(std::make_shared<ListPayload>(), ParamTypeName(ParamType::kQueryResult));
    }
    return Value::Nil();
  }

  Value ValidateType(const Value& v, ParamType t) {
    if (!v.valid()) {
      if (CanBeNil(t)) return ZeroOf(t);
      Errorf(std::string("invalid value; expected ") + ParamTypeName(t));
    }
    bool ok = true;
    switch (t) {
      case ParamType::kAny: case ParamType::kReflect: break;
      case ParamType::kString: ok = v.kind == ValueKind::kString && std::string_view(v.type) == "string"; break;
      case ParamType::kFloat64: ok = v.kind == ValueKind::kFloat; break;
      case ParamType::kSample:
        ok = v.kind == ValueKind::kStruct && std::string_view(v.type) == ParamTypeName(t);
        break;
      case ParamType::kQueryResult:
        ok = v.kind == ValueKind::kList && std::string_view(v.type) == ParamTypeName(t);
        break;
    }
    if (!ok) {
      Errorf(std::string("wrong type for value; expected ") + ParamTypeName(t) + "; got " + v.TypeName());
    }
    return v;
  }

  Value EvalArg(const Value& dot, ParamType t, const Node* n) {
    At(n);
    static const std::vector<NodePtr> kNoArgs;
    switch (n->type) {
      case NodeType::kDot: return ValidateType(dot, t);
      case NodeType::kNil:
        if (CanBeNil(t)) return ZeroOf(t);
        Errorf(std::string("cannot assign nil to ") + ParamTypeName(t));
      case NodeType::kField: {
        return ValidateType(EvalFieldNode(dot, static_cast<const FieldNode*>(n), kNoArgs, nullptr), t);
      }
      case NodeType::kVariable:
        return ValidateType(EvalVariableNode(dot, static_cast<const VariableNode*>(n), kNoArgs, nullptr), t);
      case NodeType::kPipe: return ValidateType(EvalPipeline(dot, static_cast<const PipeNode*>(n)), t);
      case NodeType::kIdentifier:
        return ValidateType(EvalFunction(dot, static_cast<const IdentifierNode*>(n), n, nullptr, nullptr), t);
      case NodeType::kChain:
        return ValidateType(EvalChainNode(dot, static_cast<const ChainNode*>(n), kNoArgs, nullptr), t);
      default: break;
    }
    switch (t) {
      case ParamType::kString:
        if (n->type == NodeType::kString) return Value::String(static_cast<const StringNode*>(n)->text);
        Errorf("expected string; found " + n->String());
      case ParamType::kFloat64:
        if (n->type == NodeType::kNumber && static_cast<const NumberNode*>(n)->is_float) {
          return Value::Float(static_cast<const NumberNode*>(n)->float_value);
        }
        Errorf("expected float; found " + n->String());
      case ParamType::kAny: case ParamType::kReflect:
        switch (n->type) {
          case NodeType::kBool: return Value::Bool(static_cast<const BoolNode*>(n)->value);
          case NodeType::kNumber: return IdealConstant(static_cast<const NumberNode*>(n));
          case NodeType::kString: return Value::String(static_cast<const StringNode*>(n)->text);
          default: Errorf("can't handle assignment of " + n->String() + " to empty interface argument");
        }
      default:
        Errorf("can't handle " + n->String() + " for arg of type " + ParamTypeName(t));
    }
  }

  const ParsedTemplate& tmpl_;
  const FuncEnv& env_;
  const ExecLimits& limits_;
  std::string name_;  // the executing template (changes inside {{template}})
  const Node* node_ = nullptr;
  std::vector<std::pair<std::string, Value>> vars_;
  std::string out_;
  size_t steps_ = 0;
  int depth_ = 0;
};

}  // namespace

Result<std::string> ExecuteParsedTemplate(const ParsedTemplate& tmpl, const Value& data, const FuncEnv& env,
                                          const ExecLimits& limits) {
  try {
    return Executor(tmpl, env, limits).Run(data);
  } catch (const ExecAbort& abort) {
    return Status::InvalidArgument(abort.message);
  }
}

}  // namespace vigil::rules::tmpl
