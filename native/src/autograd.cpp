// Autograd: backward, gradients, grad mode, inference mode and CPU autocast.
#include <ATen/autocast_mode.h>
#include <c10/core/InferenceMode.h>
#include <torch/csrc/autograd/autograd.h>

#include "common.h"

using osp::T;

extern "C" {

int osp_backward(osp_tensor t, osp_tensor grad, int32_t retain_graph, int32_t create_graph) {
  OSP_GUARD({
    std::vector<at::Tensor> grads;
    if (grad != nullptr) grads.push_back(T(grad));
    torch::autograd::backward({T(t)}, grads, c10::optional<bool>(retain_graph != 0), create_graph != 0);
  })
}

int osp_tensor_grad(osp_tensor t, osp_tensor* out) {
  OSP_GUARD({
    const at::Tensor& g = T(t).grad();
    *out = g.defined() ? osp::wrap(g) : nullptr;
  })
}

int osp_tensor_set_grad(osp_tensor t, osp_tensor grad) {
  OSP_GUARD({
    if (grad == nullptr) T(t).mutable_grad().reset();
    else T(t).mutable_grad() = T(grad);
  })
}

int osp_grad_enabled(int32_t* out) { OSP_GUARD(*out = at::GradMode::is_enabled()) }
int osp_set_grad_enabled(int32_t enabled) { OSP_GUARD(at::GradMode::set_enabled(enabled != 0)) }

int osp_inference_mode_enter(int32_t enabled, void** guard) {
  OSP_GUARD(*guard = new c10::InferenceMode(enabled != 0))
}

int osp_inference_mode_exit(void* guard) {
  OSP_GUARD(delete static_cast<c10::InferenceMode*>(guard))
}

namespace {
struct AutocastState {
  bool enabled;
  at::ScalarType dtype;
};
}  // namespace

int osp_autocast_cpu_enter(int32_t dtype, void** state) {
  OSP_GUARD({
    *state = new AutocastState{at::autocast::is_cpu_enabled(), at::autocast::get_autocast_cpu_dtype()};
    at::autocast::set_cpu_enabled(true);
    at::autocast::set_autocast_cpu_dtype(static_cast<at::ScalarType>(dtype));
    at::autocast::increment_nesting();
  })
}

int osp_autocast_cpu_exit(void* state) {
  OSP_GUARD({
    auto* previous = static_cast<AutocastState*>(state);
    // The cast cache holds lower-precision copies of the weights; it lives until the outermost region ends.
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    at::autocast::set_cpu_enabled(previous->enabled);
    at::autocast::set_autocast_cpu_dtype(previous->dtype);
    delete previous;
  })
}

}  // extern "C"
