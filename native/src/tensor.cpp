// Tensor handles: lifetime, metadata and copies to and from host memory.
#include <cstring>

#include "common.h"

using osp::T;

static void check_cap(int64_t dim, int64_t cap) {
  if (dim > cap) throw std::invalid_argument("output buffer too small for tensor rank");
}

extern "C" {

void osp_tensor_free(osp_tensor t) {
  if (t == nullptr) return;
  delete static_cast<at::Tensor*>(t);
  --osp::live_tensors;
}

int osp_tensor_alias(osp_tensor t, osp_tensor* out) { OSP_GUARD(*out = osp::wrap(T(t))) }
int osp_tensor_dim(osp_tensor t, int64_t* out) { OSP_GUARD(*out = T(t).dim()) }

int osp_tensor_sizes(osp_tensor t, int64_t* out, int64_t cap) {
  OSP_GUARD({
    auto s = T(t).sizes();
    check_cap(static_cast<int64_t>(s.size()), cap);
    std::copy(s.begin(), s.end(), out);
  })
}

int osp_tensor_strides(osp_tensor t, int64_t* out, int64_t cap) {
  OSP_GUARD({
    auto s = T(t).strides();
    check_cap(static_cast<int64_t>(s.size()), cap);
    std::copy(s.begin(), s.end(), out);
  })
}

int osp_tensor_dtype(osp_tensor t, int32_t* out) {
  OSP_GUARD(*out = static_cast<int32_t>(T(t).scalar_type()))
}

int osp_tensor_device(osp_tensor t, int32_t* type, int32_t* index) {
  OSP_GUARD({
    auto d = T(t).device();
    *type = static_cast<int32_t>(d.type());
    *index = d.index();
  })
}

int osp_tensor_requires_grad(osp_tensor t, int32_t* out) { OSP_GUARD(*out = T(t).requires_grad()) }
int osp_tensor_set_requires_grad(osp_tensor t, int32_t value) {
  OSP_GUARD(T(t).set_requires_grad(value != 0))
}
int osp_tensor_is_leaf(osp_tensor t, int32_t* out) { OSP_GUARD(*out = T(t).is_leaf()) }
int osp_tensor_same(osp_tensor a, osp_tensor b, int32_t* out) {
  OSP_GUARD(*out = T(a).is_same(T(b)))
}
int osp_tensor_data_ptr(osp_tensor t, void** out) { OSP_GUARD(*out = T(t).data_ptr()) }

int osp_tensor_from_data(const void* data, int32_t dtype, const int64_t* sizes, int64_t ndim,
                         osp_tensor* out) {
  OSP_GUARD({
    auto options = at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype));
    at::Tensor t = at::empty(at::IntArrayRef(sizes, ndim), options);
    if (t.nbytes() > 0) std::memcpy(t.data_ptr(), data, t.nbytes());
    *out = osp::wrap(std::move(t));
  })
}

int osp_tensor_to_data(osp_tensor t, void* dst, int64_t bytes) {
  OSP_GUARD({
    at::Tensor src = T(t).detach().to(at::kCPU).contiguous();
    if (static_cast<int64_t>(src.nbytes()) != bytes)
      throw std::invalid_argument("destination holds " + std::to_string(bytes) + " bytes, tensor has " +
                                  std::to_string(src.nbytes()));
    if (bytes > 0) std::memcpy(dst, src.data_ptr(), bytes);
  })
}

}  // extern "C"
