using System.Runtime.InteropServices;

namespace Osprey.Torch.Native;

/// <summary>The exports of libosprey_native (see native/osprey_native.h). Status 0 means success.</summary>
internal static unsafe partial class NativeMethods
{
    public const string Library = "osprey_native";

    [LibraryImport(Library)] public static partial IntPtr osp_last_error();
    [LibraryImport(Library)] public static partial IntPtr osp_version();
    [LibraryImport(Library)] public static partial IntPtr osp_build_config();
    [LibraryImport(Library)] public static partial IntPtr osp_parallel_info();
    [LibraryImport(Library)] public static partial int osp_cuda_device_count(out long count);
    [LibraryImport(Library)] public static partial long osp_live_tensors();
    [LibraryImport(Library)] public static partial void osp_free(IntPtr p);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] public static partial int osp_open_regular_file(string path, out int fd, out long size);

    [LibraryImport(Library)] public static partial int osp_set_num_threads(int n);
    [LibraryImport(Library)] public static partial int osp_get_num_threads();
    [LibraryImport(Library)] public static partial int osp_manual_seed(ulong seed);
    [LibraryImport(Library)] public static partial int osp_rng_get_state(out IntPtr state);
    [LibraryImport(Library)] public static partial int osp_rng_set_state(IntPtr state);

    [LibraryImport(Library)] public static partial void osp_tensor_free(IntPtr t);
    [LibraryImport(Library)] public static partial int osp_tensor_alias(IntPtr t, out IntPtr alias);
    [LibraryImport(Library)] public static partial int osp_tensor_dim(IntPtr t, out long dim);
    [LibraryImport(Library)] public static partial int osp_tensor_sizes(IntPtr t, long* sizes, long cap);
    [LibraryImport(Library)] public static partial int osp_tensor_strides(IntPtr t, long* strides, long cap);
    [LibraryImport(Library)] public static partial int osp_tensor_dtype(IntPtr t, out int dtype);
    [LibraryImport(Library)] public static partial int osp_tensor_device(IntPtr t, out int type, out int index);
    [LibraryImport(Library)] public static partial int osp_tensor_requires_grad(IntPtr t, out int value);
    [LibraryImport(Library)] public static partial int osp_tensor_set_requires_grad(IntPtr t, int value);
    [LibraryImport(Library)] public static partial int osp_tensor_is_leaf(IntPtr t, out int value);
    [LibraryImport(Library)] public static partial int osp_tensor_same(IntPtr a, IntPtr b, out int value);
    [LibraryImport(Library)] public static partial int osp_tensor_data_ptr(IntPtr t, out IntPtr data);
    [LibraryImport(Library)] public static partial int osp_tensor_from_data(void* data, int dtype, long* sizes, long ndim, out IntPtr t);
    [LibraryImport(Library)] public static partial int osp_tensor_to_data(IntPtr t, void* dst, long bytes);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int osp_op_find(string name, string overload, out IntPtr op);
    [LibraryImport(Library)] public static partial int osp_op_schema(IntPtr op, out IntPtr schema);
    [LibraryImport(Library)] public static partial int osp_op_call(IntPtr op, NativeValue* args, long nargs, NativeValue* results, long cap, out long nresults);

    [LibraryImport(Library)] public static partial int osp_backward(IntPtr t, IntPtr grad, int retainGraph, int createGraph);
    [LibraryImport(Library)] public static partial int osp_tensor_grad(IntPtr t, out IntPtr grad);
    [LibraryImport(Library)] public static partial int osp_tensor_set_grad(IntPtr t, IntPtr grad);
    [LibraryImport(Library)] public static partial int osp_grad_enabled(out int enabled);
    [LibraryImport(Library)] public static partial int osp_set_grad_enabled(int enabled);
    [LibraryImport(Library)] public static partial int osp_inference_mode_enter(int enabled, out IntPtr guard);
    [LibraryImport(Library)] public static partial int osp_inference_mode_exit(IntPtr guard);
    [LibraryImport(Library)] public static partial void osp_object_free(IntPtr o);
    [LibraryImport(Library)] public static partial int osp_object_type(IntPtr o, out IntPtr name);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] public static partial int osp_set_quantized_engine(string name);
    [LibraryImport(Library)] public static partial int osp_quantized_engine(out IntPtr name);
    [LibraryImport(Library)] public static partial int osp_autocast_cpu_enter(int dtype, out IntPtr state);
    [LibraryImport(Library)] public static partial int osp_autocast_cpu_exit(IntPtr state);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int osp_dist_init(string host, int port, int isMaster, int rank, int worldSize, long timeoutMs, long joinTimeoutMs, out IntPtr group);
    [LibraryImport(Library)] public static partial int osp_dist_free(IntPtr group);
    [LibraryImport(Library)] public static partial int osp_dist_all_reduce(IntPtr group, IntPtr* tensors, long n, int op);
    [LibraryImport(Library)] public static partial int osp_dist_broadcast(IntPtr group, IntPtr* tensors, long n, int root);
    [LibraryImport(Library)] public static partial int osp_dist_all_gather(IntPtr group, IntPtr input, out IntPtr output);
    [LibraryImport(Library)] public static partial int osp_dist_barrier(IntPtr group);
    [LibraryImport(Library)] public static partial int osp_dist_sync_batch_norm(IntPtr group, IntPtr input, IntPtr weight, IntPtr bias,
        IntPtr runningMean, IntPtr runningVar, double momentum, double eps, out IntPtr output);

    /// <summary>Every export, for <c>osprey doctor</c>'s symbol check.</summary>
    public static readonly string[] Exports =
    [
        "osp_last_error", "osp_version", "osp_build_config", "osp_parallel_info", "osp_cuda_device_count",
        "osp_live_tensors", "osp_free", "osp_set_num_threads", "osp_get_num_threads", "osp_manual_seed",
        "osp_rng_get_state", "osp_rng_set_state", "osp_tensor_free", "osp_tensor_alias", "osp_tensor_dim",
        "osp_tensor_sizes", "osp_tensor_strides", "osp_tensor_dtype", "osp_tensor_device",
        "osp_tensor_requires_grad", "osp_tensor_set_requires_grad", "osp_tensor_is_leaf", "osp_tensor_same",
        "osp_tensor_data_ptr", "osp_tensor_from_data", "osp_tensor_to_data", "osp_op_find", "osp_op_schema",
        "osp_op_call", "osp_backward", "osp_tensor_grad", "osp_tensor_set_grad", "osp_grad_enabled",
        "osp_set_grad_enabled", "osp_inference_mode_enter", "osp_inference_mode_exit",
        "osp_autocast_cpu_enter", "osp_autocast_cpu_exit", "osp_object_free", "osp_object_type", "osp_set_quantized_engine",
        "osp_quantized_engine", "osp_open_regular_file", "osp_dist_init",
        "osp_dist_free", "osp_dist_all_reduce", "osp_dist_broadcast", "osp_dist_all_gather", "osp_dist_barrier",
        "osp_dist_sync_batch_norm",
    ];

    public static string LastError() => Marshal.PtrToStringUTF8(osp_last_error()) ?? "";

    /// <summary>Throws <see cref="TorchException"/> with the native message when status is non-zero.</summary>
    public static void Check(int status, string what)
    {
        if (status != 0) throw new TorchException($"{what}: {LastError()}");
    }
}
