using Osprey.Torch.Native;

namespace Osprey.Torch;

public sealed partial class Tensor
{
    /// <summary>Back-propagates from this tensor (a scalar, or with <paramref name="gradient"/> of its shape).</summary>
    public void Backward(Tensor? gradient = null, bool retainGraph = false, bool createGraph = false)
    {
        var status = NativeMethods.osp_backward(Handle, gradient?.Handle ?? IntPtr.Zero, retainGraph ? 1 : 0, createGraph ? 1 : 0);
        GC.KeepAlive(gradient);
        if (status != 0) throw new TorchException($"backward from {Describe()} failed: {NativeMethods.LastError()}");
    }

    /// <summary>The accumulated gradient as a new handle, or null when there is none.</summary>
    public Tensor? Grad
    {
        get
        {
            NativeMethods.Check(NativeMethods.osp_tensor_grad(Handle, out var g), "grad");
            return g == IntPtr.Zero ? null : new Tensor(g);
        }
        set
        {
            NativeMethods.Check(NativeMethods.osp_tensor_set_grad(Handle, value?.Handle ?? IntPtr.Zero), "set grad");
            GC.KeepAlive(value);
        }
    }

    /// <summary>Drops the gradient (PyTorch's zero_grad(set_to_none=True)).</summary>
    public void ClearGrad() => Grad = null;

    /// <summary>Sets requires_grad and returns this tensor.</summary>
    public Tensor RequiresGrad_(bool value = true)
    {
        RequiresGrad = value;
        return this;
    }
}
