namespace Osprey.Torch.NN;

/// <summary>
/// Arguments of <see cref="MultiheadAttention"/>: query [L, N, E], key and value [S, N, E] ([N, L, E] and
/// [N, S, E] when batch-first); key padding mask [N, S] (bool, true = ignore that key); attention mask [L, S] or
/// [N*heads, L, S], bool (true = not allowed) or float (added to the scores).
/// </summary>
public sealed record AttentionInput(Tensor Query, Tensor Key, Tensor Value, Tensor? KeyPaddingMask = null,
                                    Tensor? AttnMask = null, bool NeedWeights = true, bool AverageAttnWeights = true);

/// <summary>The attention output (query-shaped) and, when asked for, the attention weights: [N, L, S] averaged
/// over heads, or [N, heads, L, S].</summary>
public sealed record AttentionOutput(Tensor Output, Tensor? Weights) : IDisposable
{
    public void Dispose()
    {
        Output.Dispose();
        Weights?.Dispose();
    }
}

/// <summary>
/// torch.nn.MultiheadAttention with key and value of the query's width: in_proj_weight [3E, E] and
/// in_proj_bias [3E] (q, k, v stacked), out_proj (Linear E -> E). The math is
/// torch.nn.functional.multi_head_attention_forward's; init is xavier_uniform_ in_proj and zero biases.
/// </summary>
public sealed class MultiheadAttention : Module<AttentionInput, AttentionOutput>
{
    static readonly Op baddbmm = new("aten::baddbmm");

    public long EmbedDim { get; }
    public long NumHeads { get; }
    public long HeadDim { get; }
    public double DropoutP { get; }
    public bool BatchFirst { get; }

    public Tensor InProjWeight => Param("in_proj_weight")!;
    public Tensor? InProjBias => Param("in_proj_bias");
    public Linear OutProj { get; }

    public MultiheadAttention(long embedDim, long numHeads, double dropout = 0, bool bias = true, bool batchFirst = false)
    {
        if (numHeads <= 0 || embedDim % numHeads != 0)
            throw new ArgumentException($"MultiheadAttention: embed_dim {embedDim} must be divisible by num_heads {numHeads}");
        if (dropout < 0 || dropout > 1) throw new ArgumentException($"MultiheadAttention: dropout must be in [0, 1], got {dropout}");
        (EmbedDim, NumHeads, HeadDim, DropoutP, BatchFirst) = (embedDim, numHeads, embedDim / numHeads, dropout, batchFirst);
        var inProj = RegisterParameter("in_proj_weight", Tensor.Empty([3 * embedDim, embedDim]))!;
        var inBias = RegisterParameter("in_proj_bias", bias ? Tensor.Empty([3 * embedDim]) : null);
        OutProj = RegisterModule("out_proj", new Linear(embedDim, embedDim, bias));
        // PyTorch builds out_proj (drawing its default init) before resetting in_proj: same draw order here.
        Init.XavierUniform(inProj);
        if (inBias != null)
        {
            Init.Zeros(inBias);
            Init.Zeros(OutProj.Bias!);
        }
    }

    /// <summary>Call with the arguments spelled out (runs hooks like <see cref="Module{TIn,TOut}.Call"/>).</summary>
    public AttentionOutput Call(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask = null, bool needWeights = true,
                                Tensor? attnMask = null, bool averageAttnWeights = true) =>
        Call(new AttentionInput(query, key, value, keyPaddingMask, attnMask, needWeights, averageAttnWeights));

    public override AttentionOutput Forward(AttentionInput input)
    {
        using var scope = TensorScope.Begin();
        var (q, k, v) = (input.Query, input.Key, input.Value);
        foreach (var (t, name) in new[] { (q, "query"), (k, "key"), (v, "value") })
            if (t.Dim != 3 || t.Size(-1) != EmbedDim)
                throw new ArgumentException($"MultiheadAttention: {name} must be 3-D with last dimension {EmbedDim}, got {t.Describe()}");
        if (BatchFirst) (q, k, v) = (q.Transpose(0, 1), k.Transpose(0, 1), v.Transpose(0, 1));
        long tgtLen = q.Size(0), batch = q.Size(1), srcLen = k.Size(0);
        if (k.Size(1) != batch || v.Size(1) != batch || v.Size(0) != srcLen)
            throw new ArgumentException($"MultiheadAttention: key {k.Describe()} and value {v.Describe()} do not match query {q.Describe()}");

        var qh = Project(q, 0).Contiguous().View(tgtLen, batch * NumHeads, HeadDim).Transpose(0, 1);
        var kh = Project(k, 1).Contiguous().View(srcLen, batch * NumHeads, HeadDim).Transpose(0, 1);
        var vh = Project(v, 2).Contiguous().View(srcLen, batch * NumHeads, HeadDim).Transpose(0, 1);

        var mask = MergeMasks(input.AttnMask, input.KeyPaddingMask, batch, tgtLen, srcLen, qh.DType);
        var scaled = qh / Math.Sqrt(HeadDim);
        var scores = mask is null ? scaled.Bmm(kh.Transpose(-2, -1)) : baddbmm.Tensor(mask, scaled, kh.Transpose(-2, -1));
        var weights = scores.Softmax(-1);
        if (DropoutP > 0 && IsTraining) weights = Functional.Dropout(weights, DropoutP, true);
        var attended = weights.Bmm(vh).Transpose(0, 1).Contiguous().View(tgtLen * batch, EmbedDim);
        var output = OutProj.Call(attended).View(tgtLen, batch, EmbedDim);
        if (BatchFirst) output = output.Transpose(0, 1);

        Tensor? returned = null;
        if (input.NeedWeights)
        {
            returned = weights.View(batch, NumHeads, tgtLen, srcLen);
            if (input.AverageAttnWeights) returned = returned.Sum(1) / NumHeads;
            scope.Keep(returned);
        }
        return new AttentionOutput(scope.Keep(output), returned);
    }

    /// <summary>Projection <paramref name="part"/> (0 = q, 1 = k, 2 = v) of the packed in_proj.</summary>
    Tensor Project(Tensor x, long part) =>
        Functional.Linear(x, InProjWeight.Narrow(0, part * EmbedDim, EmbedDim), InProjBias?.Narrow(0, part * EmbedDim, EmbedDim));

    /// <summary>One additive float mask [1 or N*heads, L, S] from the attention and key padding masks, or null.</summary>
    Tensor? MergeMasks(Tensor? attnMask, Tensor? keyPaddingMask, long batch, long tgtLen, long srcLen, DType dtype)
    {
        Tensor? mask = null;
        if (attnMask != null)
        {
            if (attnMask.DType != DType.Bool && !attnMask.DType.IsFloatingPoint())
                throw new ArgumentException($"MultiheadAttention: attn_mask must be bool or floating point, got {attnMask.Describe()}");
            var shape = attnMask.Shape;
            if (shape.SequenceEqual([tgtLen, srcLen])) mask = attnMask.Unsqueeze(0);
            else if (shape.SequenceEqual([batch * NumHeads, tgtLen, srcLen])) mask = attnMask;
            else
                throw new ArgumentException($"MultiheadAttention: attn_mask must be [{tgtLen}, {srcLen}] or " +
                                            $"[{batch * NumHeads}, {tgtLen}, {srcLen}], got {attnMask.Describe()}");
        }
        if (keyPaddingMask != null)
        {
            if (keyPaddingMask.DType != DType.Bool || !keyPaddingMask.Shape.SequenceEqual([batch, srcLen]))
                throw new ArgumentException($"MultiheadAttention: key_padding_mask must be bool [{batch}, {srcLen}], got {keyPaddingMask.Describe()}");
            var padding = keyPaddingMask.View(batch, 1, 1, srcLen).Expand(-1, NumHeads, -1, -1).Reshape(batch * NumHeads, 1, srcLen);
            mask = mask is null ? padding
                : mask.DType == DType.Bool ? mask.LogicalOr(padding)
                : mask.MaskedFill(padding, double.NegativeInfinity);
        }
        if (mask is { DType: DType.Bool })
            mask = Tensor.Zeros(mask.Shape, dtype).MaskedFill(mask, double.NegativeInfinity);
        return mask;
    }

    public override string ToString() => $"MultiheadAttention(embed_dim={EmbedDim}, num_heads={NumHeads}, batch_first={BatchFirst})";
}
