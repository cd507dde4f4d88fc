namespace Osprey.Torch.NN;

public static partial class Functional
{
    /// <summary>
    /// softmax(q k^T / sqrt(d) + mask) v over the last two dimensions (batch dimensions broadcast).
    /// A bool mask marks positions to exclude (true = masked, as key_padding_mask does); a float mask is added.
    /// </summary>
    public static Tensor ScaledDotProductAttention(Tensor query, Tensor key, Tensor value, Tensor? mask = null,
                                                   double dropoutP = 0, bool training = false)
    {
        using var scope = TensorScope.Begin();
        var scale = 1.0 / Math.Sqrt(query.Size(-1));
        var scores = query.Mul(scale).Matmul(key.Transpose(-2, -1));
        if (mask != null)
            scores = mask.DType == DType.Bool ? scores.MaskedFill(mask, double.NegativeInfinity) : scores + mask;
        var weights = scores.Softmax(-1);
        if (dropoutP > 0 && training) weights = Dropout(weights, dropoutP, training);
        return scope.Keep(weights.Matmul(value));
    }
}
