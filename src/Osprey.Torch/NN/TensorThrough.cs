namespace Osprey.Torch.NN;

public static class TensorThrough
{
    /// <summary>
    /// <c>module.Call(x)</c>, then disposes <paramref name="x"/> when it is an intermediate of the innermost scope (made
    /// in it and not kept) that no later op reads: a block's peak memory is then its widest pair of activations, as in
    /// PyTorch's reference counting, not the sum of all it made. Inputs from outer scopes are left alone.
    /// </summary>
    public static Tensor Through(this Tensor x, Module<Tensor, Tensor> module)
    {
        var y = module.Call(x);
        if (!ReferenceEquals(y, x) && x.Owner != null && x.Owner == TensorScope.Current) x.Dispose();
        return y;
    }
}
