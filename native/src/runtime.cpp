// Library-wide state: errors, version, build info, threads, randomness.
#include <ATen/Parallel.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/version.h>

#include <cstdlib>

#include "common.h"

namespace osp {
std::atomic<int64_t> live_tensors{0};
static thread_local std::string last_error;
void set_error(const std::string& message) { last_error = message; }
}  // namespace osp

static thread_local std::string text_result;

extern "C" {

const char* osp_last_error(void) { return osp::last_error.c_str(); }
const char* osp_version(void) { return TORCH_VERSION; }

const char* osp_build_config(void) {
  try { text_result = at::show_config(); } catch (...) { text_result = "unavailable"; }
  return text_result.c_str();
}

const char* osp_parallel_info(void) {
  try { text_result = at::get_parallel_info(); } catch (...) { text_result = "unavailable"; }
  return text_result.c_str();
}

int osp_cuda_device_count(int64_t* count) {
  OSP_GUARD(*count = at::hasCUDA() ? static_cast<int64_t>(at::detail::getCUDAHooks().getNumGPUs()) : 0)
}

int64_t osp_live_tensors(void) { return osp::live_tensors.load(); }
void osp_free(void* p) { std::free(p); }

int osp_set_num_threads(int32_t n) { OSP_GUARD(at::set_num_threads(n)) }
int32_t osp_get_num_threads(void) { return at::get_num_threads(); }

int osp_manual_seed(uint64_t seed) {
  OSP_GUARD({
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_current_seed(seed);
  })
}

int osp_rng_get_state(osp_tensor* out) {
  OSP_GUARD({
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    *out = osp::wrap(gen.get_state());
  })
}

int osp_rng_set_state(osp_tensor state) {
  OSP_GUARD({
    auto gen = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(gen.mutex());
    gen.set_state(osp::T(state));
  })
}

}  // extern "C"
