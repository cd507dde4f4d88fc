using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Summary;

/// <summary>
/// Counts multiply-accumulates per module the way thop (which ultralytics uses for its GFLOPs) counts them:
/// only modules, not functional calls; convolutions out.numel * in/groups * kh * kw (bias not counted);
/// Linear in_features * out.numel; affine normalization 4 * in.numel (2 without affine); average pools one op
/// per output (adaptive: kernel area + 1); bilinear up-sampling 11 per output; ReLU, SiLU, max-pool, dropout
/// and nearest up-sampling none. GFLOPs = 2 * MACs / 1e9.
/// </summary>
public static class FlopCounter
{
    /// <summary>
    /// MACs of one forward of <paramref name="model"/> on <paramref name="input"/>, under inference mode. With
    /// <paramref name="training"/> the forward runs in train mode (as ultralytics profiles a freshly built model:
    /// a detection head then returns its raw maps and skips the decoding); running statistics are restored after.
    /// </summary>
    public static double CountMacs(Module model, Func<Tensor, object?> forward, Tensor input, bool training = false)
    {
        double macs = 0;
        var hooks = new List<IDisposable>();
        foreach (var module in model.Modules())
        {
            if (Rule(module) is not { } rule) continue;
            hooks.Add(module.RegisterForwardHook((_, i, o) => macs += rule((Tensor)i!, (Tensor)o!)));
        }
        var wasTraining = model.IsTraining;
        using var scope = TensorScope.Begin();
        var buffers = model.Buffers().Select(b => (Live: b, Saved: b.Clone())).ToList();
        try
        {
            model.Train(training);
            using var inference = Autograd.InferenceMode();
            (forward(input) as IDisposable)?.Dispose();
        }
        finally
        {
            foreach (var h in hooks) h.Dispose();
            model.Train(wasTraining);
            using var noGrad = Autograd.NoGrad();
            foreach (var (live, saved) in buffers) live.CopyFrom(saved);
        }
        return macs;
    }

    static Func<Tensor, Tensor, double>? Rule(Module m) => m switch
    {
        Conv2d c => (_, y) => (double)y.NumEl * (c.InChannels / c.Groups) * c.KernelSize.H * c.KernelSize.W,
        ConvTranspose2d c => (x, y) => (double)y.NumEl * (x.Size(1) / c.Groups) * c.KernelSize.H * c.KernelSize.W,
        Linear l => (_, y) => (double)l.InFeatures * y.NumEl,
        BatchNorm2d bn => (x, _) => (bn.Affine ? 4.0 : 2.0) * x.NumEl,
        GroupNorm or LayerNorm => (x, _) => 4.0 * x.NumEl,
        AdaptiveAvgPool2d => (x, y) => ((double)(x.Size(2) / y.Size(2)) * (x.Size(3) / y.Size(3)) + 1) * y.NumEl,
        AvgPool2d => (_, y) => y.NumEl,
        Upsample { Mode: "bilinear" } => (_, y) => 11.0 * y.NumEl,
        _ => null,
    };
}
