using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Models.Detection.Detr;

/// <summary>Arguments of <see cref="DetrTransformer"/>: the projected features (N, d, H, W), their padding mask
/// (N, H, W), the object queries (Q, d) and the positional encoding (N, d, H, W).</summary>
public sealed record DetrTransformerInput(Tensor Source, Tensor Mask, Tensor Queries, Tensor Position);

/// <summary>The decoder's normed output of every layer (layers, N, Q, d) and the encoder memory (N, d, H, W).</summary>
public sealed record DetrTransformerOutput(Tensor Decoded, Tensor Memory) : IDisposable
{
    public void Dispose()
    {
        Decoded.Dispose();
        Memory.Dispose();
    }
}

/// <summary>
/// DETR's encoder-decoder transformer (children "encoder", "decoder"). The feature map is flattened to a
/// sequence of H*W tokens; the decoder starts from zeros, with the learned queries as the positions of its
/// slots. Every weight matrix is initialized xavier-uniform, as the official code's _reset_parameters.
/// </summary>
public sealed class DetrTransformer : Module<DetrTransformerInput, DetrTransformerOutput>
{
    public DetrEncoder Encoder { get; }
    public DetrDecoder Decoder { get; }
    public long DModel { get; }

    public DetrTransformer(long dModel = 256, long heads = 8, int encoderLayers = 6, int decoderLayers = 6,
                           long feedForward = 2048, double dropout = 0.1)
    {
        DModel = dModel;
        Encoder = RegisterModule("encoder", new DetrEncoder(encoderLayers, dModel, heads, feedForward, dropout));
        Decoder = RegisterModule("decoder", new DetrDecoder(decoderLayers, dModel, heads, feedForward, dropout));
        using var noGrad = Autograd.NoGrad();
        foreach (var p in Parameters())
            if (p.Dim > 1) Init.XavierUniform(p);
    }

    public override DetrTransformerOutput Forward(DetrTransformerInput input)
    {
        var (source, mask, queries, position) = input;
        if (source.Dim != 4 || source.Size(1) != DModel)
            throw new ArgumentException($"DetrTransformer: source must be (N, {DModel}, H, W), got {source.Describe()}");
        if (!position.Shape.SequenceEqual(source.Shape))
            throw new ArgumentException($"DetrTransformer: position {position.Describe()} must match source {source.Describe()}");
        long n = source.Size(0), h = source.Size(2), w = source.Size(3);
        if (mask.DType != DType.Bool || !mask.Shape.SequenceEqual([n, h, w]))
            throw new ArgumentException($"DetrTransformer: mask must be bool ({n}, {h}, {w}), got {mask.Describe()}");
        if (queries.Dim != 2 || queries.Size(1) != DModel)
            throw new ArgumentException($"DetrTransformer: queries must be (Q, {DModel}), got {queries.Describe()}");

        using var scope = TensorScope.Begin();
        var src = source.Flatten(2).Permute(2, 0, 1);              // (HW, N, d)
        var pos = position.Flatten(2).Permute(2, 0, 1);
        var padding = mask.Flatten(1);                              // (N, HW)
        var queryPos = queries.Unsqueeze(1).Repeat(1, n, 1);        // (Q, N, d)
        var memory = Encoder.Call(new DetrEncoderInput(src, padding, pos));
        var decoded = Decoder.Call(new DetrDecoderInput(queryPos.ZerosLike(), memory, padding, pos, queryPos));
        var batchFirst = decoded.Transpose(1, 2);                   // (layers, N, Q, d)
        var memoryMap = memory.Permute(1, 2, 0).Reshape(n, DModel, h, w);
        return new DetrTransformerOutput(scope.Keep(batchFirst), scope.Keep(memoryMap));
    }
}
