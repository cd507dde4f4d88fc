// Calling any ATen operator by schema name through the c10 dispatcher.
// Arguments arrive as tagged values and are converted against the schema, so
// numbers coerce as in Python (int -> float, int -> Scalar, 3 -> [3, 3]) and
// trailing or OSP_DEFAULT arguments take the schema's defaults.
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/stack.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "common.h"

using osp::T;

namespace {

struct CachedOp {
  c10::OperatorHandle handle;
  std::string schema_text;
};

[[noreturn]] void bad_arg(const c10::Argument& arg, const std::string& why) {
  throw std::invalid_argument("argument '" + arg.name() + "' (" + arg.type()->str() + "): " + why);
}

const char* tag_name(int32_t tag) {
  switch (tag) {
    case OSP_NONE: return "None";
    case OSP_TENSOR: return "Tensor";
    case OSP_TENSOR_LIST: return "Tensor[]";
    case OSP_INT: return "int";
    case OSP_INT_LIST: return "int[]";
    case OSP_DOUBLE: return "float";
    case OSP_DOUBLE_LIST: return "float[]";
    case OSP_BOOL: return "bool";
    case OSP_BOOL_LIST: return "bool[]";
    case OSP_STRING: return "str";
    case OSP_OPT_TENSOR_LIST: return "Tensor?[]";
    case OSP_OBJECT: return "object";
    default: return "unknown tag";
  }
}

template <typename E, typename Src>
c10::List<E> list_of(const osp_value& v, E (*convert)(Src)) {
  c10::List<E> out;
  out.reserve(v.n);
  const Src* src = static_cast<const Src*>(v.p);
  for (int64_t k = 0; k < v.n; ++k) out.push_back(convert(src[k]));
  return out;
}

int64_t as_int(int64_t x) { return x; }
double as_double(double x) { return x; }
bool as_bool(uint8_t x) { return x != 0; }
at::Tensor as_tensor(osp_tensor t) { return T(t); }
c10::optional<at::Tensor> as_opt_tensor(osp_tensor t) {
  return t == nullptr ? c10::optional<at::Tensor>() : c10::optional<at::Tensor>(T(t));
}

c10::IValue list_value(const osp_value& v, const c10::Argument& arg, const c10::TypePtr& elem) {
  auto kind = elem->kind();
  if (auto opt = elem->cast<c10::OptionalType>()) {
    if (opt->getElementType()->kind() == c10::TypeKind::TensorType && v.tag == OSP_OPT_TENSOR_LIST)
      return list_of<c10::optional<at::Tensor>, osp_tensor>(v, as_opt_tensor);
  }
  if (kind == c10::TypeKind::IntType || kind == c10::TypeKind::SymIntType) {
    if (v.tag == OSP_INT_LIST) return list_of<int64_t, int64_t>(v, as_int);
    if (v.tag == OSP_INT) return c10::List<int64_t>(std::vector<int64_t>(arg.N().value_or(1), v.i));
  } else if (kind == c10::TypeKind::FloatType) {
    if (v.tag == OSP_DOUBLE_LIST) return list_of<double, double>(v, as_double);
  } else if (kind == c10::TypeKind::BoolType) {
    if (v.tag == OSP_BOOL_LIST) return list_of<bool, uint8_t>(v, as_bool);
  } else if (kind == c10::TypeKind::TensorType) {
    if (v.tag == OSP_TENSOR_LIST) return list_of<at::Tensor, osp_tensor>(v, as_tensor);
  }
  bad_arg(arg, std::string("cannot take ") + tag_name(v.tag));
}

c10::IValue to_ivalue(const osp_value& v, const c10::Argument& arg) {
  if (v.tag == OSP_DEFAULT) {
    if (!arg.default_value()) bad_arg(arg, "has no default value");
    return *arg.default_value();
  }
  c10::TypePtr type = arg.type();
  if (auto opt = type->cast<c10::OptionalType>()) {
    if (v.tag == OSP_NONE) return c10::IValue();
    type = opt->getElementType();
  }
  switch (type->kind()) {
    case c10::TypeKind::TensorType:
      if (v.tag == OSP_TENSOR) return T(v.p);
      break;
    case c10::TypeKind::IntType:
    case c10::TypeKind::SymIntType:
      if (v.tag == OSP_INT || v.tag == OSP_BOOL) return v.i;
      break;
    case c10::TypeKind::FloatType:
      if (v.tag == OSP_DOUBLE) return v.d;
      if (v.tag == OSP_INT) return static_cast<double>(v.i);
      break;
    case c10::TypeKind::BoolType:
      if (v.tag == OSP_BOOL || v.tag == OSP_INT) return v.i != 0;
      break;
    case c10::TypeKind::NumberType:
      if (v.tag == OSP_INT) return c10::Scalar(v.i);
      if (v.tag == OSP_DOUBLE) return c10::Scalar(v.d);
      if (v.tag == OSP_BOOL) return c10::Scalar(v.i != 0);
      break;
    case c10::TypeKind::StringType:
      if (v.tag == OSP_STRING) return std::string(static_cast<const char*>(v.p), v.n);
      break;
    case c10::TypeKind::DeviceObjType:
      if (v.tag == OSP_STRING) return c10::Device(std::string(static_cast<const char*>(v.p), v.n));
      break;
    case c10::TypeKind::ListType:
      return list_value(v, arg, type->castRaw<c10::ListType>()->getElementType());
    case c10::TypeKind::ClassType:
      if (v.tag == OSP_OBJECT) {
        const auto& object = *static_cast<const c10::IValue*>(v.p);
        if (!object.type()->isSubtypeOf(*type))
          bad_arg(arg, "cannot take an object of class " + object.type()->str());
        return object;
      }
      break;
    default:
      break;
  }
  bad_arg(arg, std::string("cannot take ") + tag_name(v.tag));
}

template <typename Src, typename Dst, typename F>
void copy_out(const Src& src, osp_value& out, int32_t tag, F convert) {
  out.tag = tag;
  out.n = static_cast<int64_t>(src.size());
  Dst* buf = static_cast<Dst*>(std::malloc(sizeof(Dst) * std::max<size_t>(src.size(), 1)));
  if (buf == nullptr) throw std::bad_alloc();
  for (size_t k = 0; k < src.size(); ++k) buf[k] = convert(src.get(k));
  out.p = buf;
}

void from_ivalue(const c10::IValue& iv, osp_value& out) {
  std::memset(&out, 0, sizeof(out));
  if (iv.isNone()) {
    out.tag = OSP_NONE;
  } else if (iv.isTensor()) {
    const at::Tensor& t = iv.toTensor();
    out.tag = t.defined() ? OSP_TENSOR : OSP_NONE;
    out.p = t.defined() ? osp::wrap(t) : nullptr;
  } else if (iv.isTensorList()) {
    copy_out<c10::List<at::Tensor>, osp_tensor>(iv.toTensorList(), out, OSP_TENSOR_LIST,
                                               [](const at::Tensor& t) { return osp::wrap(t); });
  } else if (iv.isInt()) {
    out.tag = OSP_INT;
    out.i = iv.toInt();
  } else if (iv.isDouble()) {
    out.tag = OSP_DOUBLE;
    out.d = iv.toDouble();
  } else if (iv.isBool()) {
    out.tag = OSP_BOOL;
    out.i = iv.toBool();
  } else if (iv.isIntList()) {
    copy_out<c10::List<int64_t>, int64_t>(iv.toIntList(), out, OSP_INT_LIST, [](int64_t x) { return x; });
  } else if (iv.isObject()) {
    out.tag = OSP_OBJECT;
    out.p = new c10::IValue(iv);
  } else {
    throw std::runtime_error("unsupported result type " + iv.tagKind());
  }
}

void release_results(osp_value* results, int64_t n) {
  for (int64_t k = 0; k < n; ++k) {
    if (results[k].tag == OSP_TENSOR) osp_tensor_free(results[k].p);
    if (results[k].tag == OSP_TENSOR_LIST) {
      auto handles = static_cast<osp_tensor*>(results[k].p);
      for (int64_t j = 0; j < results[k].n; ++j) osp_tensor_free(handles[j]);
    }
    if (results[k].tag == OSP_TENSOR_LIST || results[k].tag == OSP_INT_LIST) std::free(results[k].p);
    if (results[k].tag == OSP_OBJECT) delete static_cast<c10::IValue*>(results[k].p);
    results[k].tag = OSP_NONE;
  }
}

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

extern "C" {

void osp_object_free(void* object) { delete static_cast<c10::IValue*>(object); }

int osp_object_type(void* object, const char** name) {
  OSP_GUARD({
    thread_local std::string text;
    text = static_cast<c10::IValue*>(object)->type()->str();
    *name = text.c_str();
  })
}

int osp_set_quantized_engine(const char* name) {
  OSP_GUARD({
    const std::string wanted = lower(name);
    std::string known;
    for (auto engine : at::globalContext().supportedQEngines()) {
      if (lower(c10::toString(engine)) == wanted) {
        at::globalContext().setQEngine(engine);
        return 0;
      }
      known += (known.empty() ? "" : ", ") + lower(c10::toString(engine));
    }
    throw std::invalid_argument("quantized engine " + wanted + " is not in this libtorch (it has: " + known + ")");
  })
}

int osp_quantized_engine(const char** name) {
  OSP_GUARD({
    thread_local std::string text;
    text = lower(c10::toString(at::globalContext().qEngine()));
    *name = text.c_str();
  })
}

int osp_op_find(const char* name, const char* overload, osp_op* out) {
  OSP_GUARD({
    auto handle = c10::Dispatcher::singleton().findSchemaOrThrow(name, overload);
    std::ostringstream text;
    text << handle.schema();
    *out = new CachedOp{handle, text.str()};
  })
}

int osp_op_schema(osp_op op, const char** out) {
  OSP_GUARD(*out = static_cast<CachedOp*>(op)->schema_text.c_str())
}

int osp_op_call(osp_op op, const osp_value* args, int64_t nargs, osp_value* results, int64_t cap,
                int64_t* nresults) {
  int64_t produced = 0;
  try {
    const auto& cached = *static_cast<CachedOp*>(op);
    const auto& params = cached.handle.schema().arguments();
    if (nargs > static_cast<int64_t>(params.size()))
      throw std::invalid_argument("expected at most " + std::to_string(params.size()) + " arguments, got " +
                                  std::to_string(nargs));
    torch::jit::Stack stack;
    stack.reserve(params.size());
    for (size_t k = 0; k < params.size(); ++k) {
      if (static_cast<int64_t>(k) < nargs) {
        stack.push_back(to_ivalue(args[k], params[k]));
      } else if (params[k].default_value()) {
        stack.push_back(*params[k].default_value());
      } else {
        bad_arg(params[k], "is required");
      }
    }
    cached.handle.callBoxed(stack);
    if (static_cast<int64_t>(stack.size()) > cap) throw std::runtime_error("too many results for buffer");
    for (auto& iv : stack) from_ivalue(iv, results[produced++]);
    *nresults = produced;
    return 0;
  } catch (const c10::Error& e) {
    osp::set_error(e.what_without_backtrace());
  } catch (const std::exception& e) {
    osp::set_error(e.what());
  } catch (...) {
    osp::set_error("unknown native exception");
  }
  release_results(results, produced);
  *nresults = 0;
  return 1;
}

}  // extern "C"
