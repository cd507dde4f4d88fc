// Autograd: backward, gradients, grad mode and inference mode.
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

}  // extern "C"
