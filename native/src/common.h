// Shared helpers of the shim: error capture and handle conversion.
#pragma once
#include <ATen/ATen.h>

#include <atomic>
#include <string>

#include "../osprey_native.h"

namespace osp {

extern std::atomic<int64_t> live_tensors;
void set_error(const std::string& message);

inline at::Tensor& T(osp_tensor t) {
  if (t == nullptr) throw std::invalid_argument("null tensor handle");
  return *static_cast<at::Tensor*>(t);
}

inline osp_tensor wrap(at::Tensor t) {
  ++live_tensors;
  return new at::Tensor(std::move(t));
}

}  // namespace osp

// Runs body, turning every exception into a status and a kept message.
#define OSP_GUARD(...)                                 \
  try {                                                \
    __VA_ARGS__;                                       \
    return 0;                                          \
  } catch (const c10::Error& e) {                      \
    osp::set_error(e.what_without_backtrace());        \
  } catch (const std::exception& e) {                  \
    osp::set_error(e.what());                          \
  } catch (...) {                                      \
    osp::set_error("unknown native exception");        \
  }                                                    \
  return 1;
