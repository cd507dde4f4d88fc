namespace Osprey.Torch.NN;

/// <summary>Arguments of <see cref="TransformerEncoderLayer"/>: the sequence and optional masks (as
/// <see cref="AttentionInput"/> takes them).</summary>
public sealed record EncoderLayerInput(Tensor Src, Tensor? SrcMask = null, Tensor? SrcKeyPaddingMask = null);

/// <summary>
/// torch.nn.TransformerEncoderLayer, post-norm with ReLU: x = norm1(x + dropout1(self_attn(x))),
/// x = norm2(x + dropout2(linear2(dropout(relu(linear1(x)))))). State names as PyTorch's.
/// </summary>
public sealed class TransformerEncoderLayer : Module<EncoderLayerInput, Tensor>
{
    public MultiheadAttention SelfAttn { get; }
    public Linear Linear1 { get; }
    public Dropout Dropout { get; }
    public Linear Linear2 { get; }
    public LayerNorm Norm1 { get; }
    public LayerNorm Norm2 { get; }
    public Dropout Dropout1 { get; }
    public Dropout Dropout2 { get; }

    public TransformerEncoderLayer(long dModel, long nHead, long dimFeedforward = 2048, double dropout = 0.1,
                                   double layerNormEps = 1e-5, bool batchFirst = false)
    {
        SelfAttn = RegisterModule("self_attn", new MultiheadAttention(dModel, nHead, dropout, batchFirst: batchFirst));
        Linear1 = RegisterModule("linear1", new Linear(dModel, dimFeedforward));
        Dropout = RegisterModule("dropout", new Dropout(dropout));
        Linear2 = RegisterModule("linear2", new Linear(dimFeedforward, dModel));
        Norm1 = RegisterModule("norm1", new LayerNorm(dModel, layerNormEps));
        Norm2 = RegisterModule("norm2", new LayerNorm(dModel, layerNormEps));
        Dropout1 = RegisterModule("dropout1", new Dropout(dropout));
        Dropout2 = RegisterModule("dropout2", new Dropout(dropout));
    }

    public Tensor Call(Tensor src, Tensor? srcMask = null, Tensor? srcKeyPaddingMask = null) =>
        Call(new EncoderLayerInput(src, srcMask, srcKeyPaddingMask));

    public override Tensor Forward(EncoderLayerInput input)
    {
        using var scope = TensorScope.Begin();
        var x = input.Src;
        var attended = SelfAttn.Call(new AttentionInput(x, x, x, input.SrcKeyPaddingMask, input.SrcMask, NeedWeights: false)).Output;
        x = Norm1.Call(x + Dropout1.Call(attended));
        var ff = Dropout2.Call(Linear2.Call(Dropout.Call(Functional.Relu(Linear1.Call(x)))));
        x = Norm2.Call(x + ff);
        return scope.Keep(x);
    }
}

/// <summary>Arguments of <see cref="TransformerDecoderLayer"/>.</summary>
public sealed record DecoderLayerInput(Tensor Tgt, Tensor Memory, Tensor? TgtMask = null, Tensor? MemoryMask = null,
                                       Tensor? TgtKeyPaddingMask = null, Tensor? MemoryKeyPaddingMask = null);

/// <summary>
/// torch.nn.TransformerDecoderLayer, post-norm with ReLU: self-attention, cross-attention over memory, then the
/// feed-forward block, each added to the residual and followed by its LayerNorm. State names as PyTorch's.
/// </summary>
public sealed class TransformerDecoderLayer : Module<DecoderLayerInput, Tensor>
{
    public MultiheadAttention SelfAttn { get; }
    public MultiheadAttention MultiheadAttn { get; }
    public Linear Linear1 { get; }
    public Dropout Dropout { get; }
    public Linear Linear2 { get; }
    public LayerNorm Norm1 { get; }
    public LayerNorm Norm2 { get; }
    public LayerNorm Norm3 { get; }
    public Dropout Dropout1 { get; }
    public Dropout Dropout2 { get; }
    public Dropout Dropout3 { get; }

    public TransformerDecoderLayer(long dModel, long nHead, long dimFeedforward = 2048, double dropout = 0.1,
                                   double layerNormEps = 1e-5, bool batchFirst = false)
    {
        SelfAttn = RegisterModule("self_attn", new MultiheadAttention(dModel, nHead, dropout, batchFirst: batchFirst));
        MultiheadAttn = RegisterModule("multihead_attn", new MultiheadAttention(dModel, nHead, dropout, batchFirst: batchFirst));
        Linear1 = RegisterModule("linear1", new Linear(dModel, dimFeedforward));
        Dropout = RegisterModule("dropout", new Dropout(dropout));
        Linear2 = RegisterModule("linear2", new Linear(dimFeedforward, dModel));
        Norm1 = RegisterModule("norm1", new LayerNorm(dModel, layerNormEps));
        Norm2 = RegisterModule("norm2", new LayerNorm(dModel, layerNormEps));
        Norm3 = RegisterModule("norm3", new LayerNorm(dModel, layerNormEps));
        Dropout1 = RegisterModule("dropout1", new Dropout(dropout));
        Dropout2 = RegisterModule("dropout2", new Dropout(dropout));
        Dropout3 = RegisterModule("dropout3", new Dropout(dropout));
    }

    public Tensor Call(Tensor tgt, Tensor memory, Tensor? tgtMask = null, Tensor? memoryMask = null,
                       Tensor? tgtKeyPaddingMask = null, Tensor? memoryKeyPaddingMask = null) =>
        Call(new DecoderLayerInput(tgt, memory, tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask));

    public override Tensor Forward(DecoderLayerInput input)
    {
        using var scope = TensorScope.Begin();
        var x = input.Tgt;
        var self = SelfAttn.Call(new AttentionInput(x, x, x, input.TgtKeyPaddingMask, input.TgtMask, NeedWeights: false)).Output;
        x = Norm1.Call(x + Dropout1.Call(self));
        var cross = MultiheadAttn.Call(new AttentionInput(x, input.Memory, input.Memory, input.MemoryKeyPaddingMask,
                                                          input.MemoryMask, NeedWeights: false)).Output;
        x = Norm2.Call(x + Dropout2.Call(cross));
        var ff = Dropout3.Call(Linear2.Call(Dropout.Call(Functional.Relu(Linear1.Call(x)))));
        x = Norm3.Call(x + ff);
        return scope.Keep(x);
    }
}
