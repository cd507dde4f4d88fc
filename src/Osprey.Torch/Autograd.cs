using Osprey.Torch.Native;

namespace Osprey.Torch;

/// <summary>Grad-mode and inference-mode guards for this thread: <c>using var _ = Autograd.NoGrad();</c></summary>
public static class Autograd
{
    public static bool IsGradEnabled
    {
        get
        {
            NativeMethods.Check(NativeMethods.osp_grad_enabled(out var v), "grad_enabled");
            return v != 0;
        }
    }

    /// <summary>Disables gradient recording until disposed (torch.no_grad()).</summary>
    public static IDisposable NoGrad() => new GradModeGuard(false);

    /// <summary>Enables gradient recording until disposed (torch.enable_grad()).</summary>
    public static IDisposable EnableGrad() => new GradModeGuard(true);

    /// <summary>Inference mode until disposed (torch.inference_mode()): no autograd, no version counters.</summary>
    public static IDisposable InferenceMode(bool enabled = true) => new InferenceModeGuard(enabled);

    sealed class GradModeGuard : IDisposable
    {
        readonly bool previous;
        bool disposed;

        public GradModeGuard(bool enabled)
        {
            previous = IsGradEnabled;
            NativeMethods.Check(NativeMethods.osp_set_grad_enabled(enabled ? 1 : 0), "set_grad_enabled");
        }

        public void Dispose()
        {
            if (disposed) return;
            disposed = true;
            NativeMethods.Check(NativeMethods.osp_set_grad_enabled(previous ? 1 : 0), "set_grad_enabled");
        }
    }

    sealed class InferenceModeGuard : IDisposable
    {
        IntPtr guard;

        public InferenceModeGuard(bool enabled) =>
            NativeMethods.Check(NativeMethods.osp_inference_mode_enter(enabled ? 1 : 0, out guard), "inference_mode");

        public void Dispose()
        {
            if (guard == IntPtr.Zero) return;
            NativeMethods.Check(NativeMethods.osp_inference_mode_exit(guard), "inference_mode exit");
            guard = IntPtr.Zero;
        }
    }
}
