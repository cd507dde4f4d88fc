namespace Osprey.Torch.NN;

/// <summary>
/// Conv + BatchNorm folding for inference, as ultralytics' fuse_conv_and_bn and torch.fx's fuse compute it: with
/// s = gamma / sqrt(running_var + eps), the folded convolution has weight w * s (per output channel) and bias
/// beta + (b - running_mean) * s. Folding uses the running statistics, so it is only right in eval mode, and it
/// is not reversible: the BatchNorm's state leaves the state dict.
/// </summary>
public static class BatchNormFolding
{
    /// <summary>Whether <paramref name="norm"/> is a BatchNorm this class can fold (BatchNorm2d with running
    /// statistics, or FrozenBatchNorm2d).</summary>
    public static bool IsFoldable(Module norm) =>
        norm is FrozenBatchNorm2d || norm is BatchNorm2d { RunningMean: not null, RunningVar: not null };

    /// <summary>A new convolution (with bias, not requiring grad) equal to <paramref name="norm"/> applied after
    /// <paramref name="conv"/> in eval mode. Neither argument is changed.</summary>
    public static Conv2d Fold(Conv2d conv, Module norm)
    {
        var (gamma, beta, mean, variance, eps) = norm switch
        {
            BatchNorm2d { RunningMean: { } m, RunningVar: { } v } bn => (bn.Weight, bn.Bias, m, v, bn.Eps),
            FrozenBatchNorm2d f => (f.Weight, f.Bias, f.RunningMean, f.RunningVar, f.Eps),
            _ => throw new ArgumentException($"BatchNorm folding: cannot fold a {norm.TypeName} (a BatchNorm2d with running statistics or a FrozenBatchNorm2d)"),
        };
        if (mean.Size(0) != conv.OutChannels)
            throw new ArgumentException($"BatchNorm folding: {norm.TypeName} has {mean.Size(0)} channels, the convolution {conv.OutChannels} outputs");
        using var scope = TensorScope.Begin();
        using var noGrad = Autograd.NoGrad();
        // The operation order of ultralytics' fuse_conv_and_bn (gamma / sqrt(var + eps), then beta - mean * s + b * s),
        // so a folded YOLO equals ultralytics' fused one.
        var std = variance.Add(eps).Sqrt();
        var scale = gamma != null ? gamma.Div(std) : std.Reciprocal();
        var fused = new Conv2d(conv.InChannels, conv.OutChannels, conv.KernelSize, conv.Stride, conv.Padding, conv.Dilation,
                               conv.Groups, bias: true, paddingMode: conv.PaddingMode);
        fused.Weight.CopyFrom(conv.Weight.Mul(scale.View(-1, 1, 1, 1)));
        var bias = mean.Mul(scale).Neg();
        if (beta != null) bias = beta.Sub(mean.Mul(scale));
        if (conv.Bias != null) bias = bias.Add(conv.Bias.Mul(scale));
        fused.Bias!.CopyFrom(bias);
        fused.RequiresGrad(false);
        fused.Train(conv.IsTraining);
        return fused;
    }

    /// <summary>The Identity that takes a folded norm's place, in the norm's mode.</summary>
    public static Identity Placeholder(Module norm)
    {
        var identity = new Identity();
        identity.Train(norm.IsTraining);
        return identity;
    }

    /// <summary>
    /// Folds the pair held in <paramref name="owner"/>'s fields: registers the folded convolution as
    /// <paramref name="convName"/> and an Identity as <paramref name="normName"/> (the norm's place keeps its name), and
    /// updates both fields. False, changing nothing, when the norm is not a foldable BatchNorm (already folded, say).
    /// </summary>
    public static bool FoldPair(this Module owner, string convName, ref Conv2d conv, string normName, ref Module<Tensor, Tensor> norm)
    {
        if (!IsFoldable(norm)) return false;
        conv = owner.RegisterModule(convName, Fold(conv, norm));
        norm = owner.RegisterModule(normName, Placeholder(norm));
        return true;
    }

    /// <summary>
    /// Folds every conv + BatchNorm pair in the tree under <paramref name="root"/> (each <see cref="IBatchNormFoldable"/>
    /// folds its own) and returns how many were folded. The tree must be in eval mode: a BatchNorm in training
    /// normalises with the batch's statistics, which no folded convolution can reproduce.
    /// </summary>
    public static int FoldBatchNorms(this Module root)
    {
        if (root.Modules().Any(m => m.IsTraining))
            throw new InvalidOperationException($"BatchNorm folding: {root.TypeName} is in training mode; call Eval() first");
        return root.Modules().OfType<IBatchNormFoldable>().ToList().Sum(m => m.FoldOwnBatchNorms());
    }
}
