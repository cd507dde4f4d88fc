// The C ABI of libosprey_native: the only surface C# sees of libtorch.
// Every function returns 0 on success and non-zero on failure; on failure the
// message is kept per thread and read with osp_last_error(). No C++ exception
// ever crosses this boundary.
#pragma once
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define OSP_API __attribute__((visibility("default")))

typedef void* osp_tensor;  // owned at::Tensor*, freed with osp_tensor_free
typedef void* osp_op;      // cached operator handle, never freed
typedef void* osp_group;   // owned c10d process group (Gloo over a TCPStore), freed with osp_dist_free

// Tags of osp_value, shared with C# (Osprey.Torch.Native.ValueTag).
enum osp_tag {
  OSP_NONE = 0,         // None / null optional
  OSP_TENSOR = 1,       // p: osp_tensor
  OSP_TENSOR_LIST = 2,  // p: osp_tensor*, n: count
  OSP_INT = 3,          // i
  OSP_INT_LIST = 4,     // p: int64_t*, n: count
  OSP_DOUBLE = 5,       // d
  OSP_DOUBLE_LIST = 6,  // p: double*, n: count
  OSP_BOOL = 7,         // i (0/1)
  OSP_BOOL_LIST = 8,    // p: uint8_t*, n: count
  OSP_STRING = 9,       // p: UTF-8, n: byte count
  OSP_DEFAULT = 10,     // use the schema's default value for this argument
  OSP_OPT_TENSOR_LIST = 11,  // p: osp_tensor* (null entries are None), n: count
  OSP_OBJECT = 12,      // p: osp_object, a TorchBind object (e.g. quantized packed weights); free with osp_object_free
};

// Reductions of osp_dist_all_reduce, numbered as c10d::ReduceOp (Gloo has no AVG: it is a sum divided by the world).
enum osp_reduce {
  OSP_REDUCE_SUM = 0,
  OSP_REDUCE_AVG = 1,
  OSP_REDUCE_PRODUCT = 2,
  OSP_REDUCE_MIN = 3,
  OSP_REDUCE_MAX = 4,
};

typedef struct {
  int32_t tag;
  int32_t reserved;
  int64_t n;
  int64_t i;
  double d;
  void* p;
} osp_value;

OSP_API const char* osp_last_error(void);
OSP_API const char* osp_version(void);
OSP_API const char* osp_build_config(void);
OSP_API const char* osp_parallel_info(void);
OSP_API int osp_cuda_device_count(int64_t* count);
OSP_API int64_t osp_live_tensors(void);
OSP_API void osp_free(void* p);

// threads and randomness
OSP_API int osp_set_num_threads(int32_t n);
OSP_API int32_t osp_get_num_threads(void);
OSP_API int osp_manual_seed(uint64_t seed);
OSP_API int osp_rng_get_state(osp_tensor* out);
OSP_API int osp_rng_set_state(osp_tensor state);

// tensor lifetime and metadata
OSP_API void osp_tensor_free(osp_tensor t);
OSP_API int osp_tensor_alias(osp_tensor t, osp_tensor* out);
OSP_API int osp_tensor_dim(osp_tensor t, int64_t* out);
OSP_API int osp_tensor_sizes(osp_tensor t, int64_t* out, int64_t cap);
OSP_API int osp_tensor_strides(osp_tensor t, int64_t* out, int64_t cap);
OSP_API int osp_tensor_dtype(osp_tensor t, int32_t* out);
OSP_API int osp_tensor_device(osp_tensor t, int32_t* type, int32_t* index);
OSP_API int osp_tensor_requires_grad(osp_tensor t, int32_t* out);
OSP_API int osp_tensor_set_requires_grad(osp_tensor t, int32_t value);
OSP_API int osp_tensor_is_leaf(osp_tensor t, int32_t* out);
OSP_API int osp_tensor_same(osp_tensor a, osp_tensor b, int32_t* out);
OSP_API int osp_tensor_data_ptr(osp_tensor t, void** out);

// host memory
OSP_API int osp_tensor_from_data(const void* data, int32_t dtype, const int64_t* sizes,
                                 int64_t ndim, osp_tensor* out);
OSP_API int osp_tensor_to_data(osp_tensor t, void* dst, int64_t bytes);

// operators through the c10 dispatcher
OSP_API int osp_op_find(const char* name, const char* overload, osp_op* out);
OSP_API int osp_op_schema(osp_op op, const char** out);
OSP_API int osp_op_call(osp_op op, const osp_value* args, int64_t nargs, osp_value* results,
                        int64_t cap, int64_t* nresults);

// TorchBind objects returned by operators (prepacked weights), passed back as OSP_OBJECT arguments
OSP_API void osp_object_free(void* object);
OSP_API int osp_object_type(void* object, const char** name);  // the class's qualified name; valid while it lives
// The engine of libtorch's quantized operators ("onednn", "qnnpack", "fbgemm", "none"): set, and the current one
OSP_API int osp_set_quantized_engine(const char* name);
OSP_API int osp_quantized_engine(const char** name);

// autograd
OSP_API int osp_backward(osp_tensor t, osp_tensor grad, int32_t retain_graph, int32_t create_graph);
OSP_API int osp_tensor_grad(osp_tensor t, osp_tensor* out);  // *out null when undefined
OSP_API int osp_tensor_set_grad(osp_tensor t, osp_tensor grad);  // null grad resets it
OSP_API int osp_grad_enabled(int32_t* out);
OSP_API int osp_set_grad_enabled(int32_t enabled);
OSP_API int osp_inference_mode_enter(int32_t enabled, void** guard);
OSP_API int osp_inference_mode_exit(void* guard);
// CPU autocast (torch.autocast("cpu", dtype)) on this thread until exit, which restores the previous state.
OSP_API int osp_autocast_cpu_enter(int32_t dtype, void** state);
OSP_API int osp_autocast_cpu_exit(void* state);

// Opens a file for reading only if it is a regular file (after following symlinks), without blocking on a FIFO:
// returns 0 with *fd and *size set; -errno when open/fstat fails; or the file's S_IFMT type bits (> 0) when it is
// not a regular file (a FIFO, a device, a socket, a directory), in which case nothing stays open.
OSP_API int osp_open_regular_file(const char* path, int32_t* fd, int64_t* size);

// data-parallel collectives (c10d ProcessGroupGloo over a TCPStore, joined as torch.distributed's default group).
// Every call blocks until all ranks take part, and fails instead within the timeout (or at once when a peer is gone);
// joining waits at most join_timeout_ms for the other ranks to start. Several tensors of one call travel as one buffer
// and are updated in place.
OSP_API int osp_dist_init(const char* host, int32_t port, int32_t is_master, int32_t rank, int32_t world_size,
                          int64_t timeout_ms, int64_t join_timeout_ms, osp_group* out);
OSP_API int osp_dist_free(osp_group g);
OSP_API int osp_dist_all_reduce(osp_group g, const osp_tensor* tensors, int64_t n, int32_t op);
OSP_API int osp_dist_broadcast(osp_group g, const osp_tensor* tensors, int64_t n, int32_t root);
OSP_API int osp_dist_all_gather(osp_group g, osp_tensor input, osp_tensor* out);  // out: [world, *input shape]
OSP_API int osp_dist_barrier(osp_group g);
// torch.nn.SyncBatchNorm in training: batch norm with the global batch's statistics (forward and backward reduce over
// the group); weight, bias and the running statistics may be null (the running ones are updated in place).
OSP_API int osp_dist_sync_batch_norm(osp_group g, osp_tensor input, osp_tensor weight, osp_tensor bias,
                                     osp_tensor running_mean, osp_tensor running_var, double momentum, double eps,
                                     osp_tensor* out);

#ifdef __cplusplus
}
#endif
