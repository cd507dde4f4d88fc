namespace Osprey.Torch.NN;

/// <summary>torch.nn.Embedding: a lookup table weight [num, dim] initialised N(0, 1); the padding_idx row is
/// zero and receives no gradient.</summary>
public sealed class Embedding : Module<Tensor, Tensor>
{
    static readonly Op embedding = new("aten::embedding");

    public long NumEmbeddings { get; }
    public long EmbeddingDim { get; }
    public long? PaddingIdx { get; }
    public Tensor Weight => Param("weight")!;

    public Embedding(long numEmbeddings, long embeddingDim, long? paddingIdx = null)
    {
        if (paddingIdx is { } p)
        {
            if (p < -numEmbeddings || p >= numEmbeddings)
                throw new ArgumentException($"Embedding: padding_idx {p} must be within num_embeddings {numEmbeddings}");
            paddingIdx = p < 0 ? p + numEmbeddings : p;
        }
        (NumEmbeddings, EmbeddingDim, PaddingIdx) = (numEmbeddings, embeddingDim, paddingIdx);
        var weight = RegisterParameter("weight", Tensor.Empty([numEmbeddings, embeddingDim]))!;
        Init.Normal(weight);
        if (PaddingIdx is { } row)
        {
            using var scope = TensorScope.Begin();
            using var noGrad = Autograd.NoGrad();
            weight.Select(0, row).ZeroInPlace();
        }
    }

    public override Tensor Forward(Tensor input)
    {
        if (input.DType is not (DType.Int64 or DType.Int32))
            throw new ArgumentException($"Embedding: indices must be int64 or int32, got {input.Describe()}");
        return embedding.Tensor(Weight, input, PaddingIdx ?? -1, false, false);
    }

    public override string ToString() => $"Embedding({NumEmbeddings}, {EmbeddingDim}" + (PaddingIdx is { } p ? $", padding_idx={p})" : ")");
}
