namespace Osprey.Torch.Optim;

/// <summary>Gradient clipping over parameters' accumulated gradients (torch.nn.utils.clip_grad_norm_).</summary>
public static class GradClip
{
    static readonly Op norm = new("aten::norm", "ScalarOpt_dim");

    /// <summary>
    /// Scales all gradients together so that their joint p-norm is at most <paramref name="maxNorm"/>,
    /// computed as PyTorch 1.13: total = norm(stack(norm(g) for g)), coef = min(maxNorm / (total + 1e-6), 1),
    /// every gradient multiplied by coef (also when coef is 1). Parameters without a gradient are skipped.
    /// Returns the total norm before clipping (0 when no parameter has a gradient).
    /// </summary>
    public static double ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2, bool errorIfNonfinite = false)
    {
        if (double.IsNaN(normType) || normType < 0) throw new ArgumentException($"ClipGradNorm: norm type {normType}: expected a value >= 0 or +infinity");
        if (double.IsNaN(maxNorm)) throw new ArgumentException("ClipGradNorm: max norm is NaN");
        using var scope = TensorScope.Begin();
        using var noGrad = Autograd.NoGrad();
        var grads = parameters.Select(p => p.Grad).OfType<Tensor>().ToArray();
        if (grads.Length == 0) return 0;
        Tensor total;
        if (double.IsPositiveInfinity(normType))
        {
            var maxima = grads.Select(g => g.Abs().Max()).ToArray();
            total = maxima.Length == 1 ? maxima[0] : Tensor.Stack(maxima).Max();
        }
        else
        {
            var norms = grads.Select(g => norm.Tensor(g, normType, Enumerable.Range(0, (int)g.Dim).Select(d => (long)d).ToArray(), false)).ToArray();
            total = norm.Tensor(Tensor.Stack(norms), normType, new long[] { 0 }, false);
        }
        double totalValue = total.Item<double>();
        if (errorIfNonfinite && !double.IsFinite(totalValue))
            throw new TorchException($"ClipGradNorm: the total norm of order {normType} of the gradients is {totalValue}; cannot clip");
        // maxNorm / (total + 1e-6) as PyTorch evaluates it on a float32 tensor: reciprocal, then scale.
        var coef = (maxNorm / (total + 1e-6)).ClampMax(1.0);
        foreach (var g in grads) g.MulInPlace(coef);
        return totalValue;
    }
}
