using Osprey.Torch.NN;

namespace Osprey.Torch.Tests.NN;

/// <summary>Every layer's forward and gradients equal PyTorch's on the same weights and inputs (fixtures:
/// tools/reference/golden_layers.py).</summary>
public class LayerGoldenTests
{
    public static TheoryData<string> SingleTensorCases => new(Cases.Keys);

    static readonly Dictionary<string, Func<Module<Tensor, Tensor>>> Cases = new()
    {
        ["conv2d_basic"] = () => new Conv2d(4, 6, 3, stride: 2, padding: 1),
        ["conv2d_groups_dilation"] = () => new Conv2d(4, 8, (3, 2), padding: (2, 1), dilation: 2, groups: 2),
        ["conv2d_reflect"] = () => new Conv2d(3, 4, 3, padding: 1, paddingMode: "reflect", bias: false),
        ["conv2d_replicate"] = () => new Conv2d(3, 4, 3, stride: 2, padding: (2, 1), paddingMode: "replicate"),
        ["conv2d_circular"] = () => new Conv2d(3, 4, 5, padding: 2, paddingMode: "circular"),
        ["conv2d_same_even"] = () => new Conv2d(3, 4, 4, padding: "same"),
        ["conv2d_same_replicate"] = () => new Conv2d(3, 4, (4, 3), padding: "same", dilation: (1, 2), paddingMode: "replicate"),
        ["conv_transpose2d"] = () => new ConvTranspose2d(4, 6, 3, stride: 2, padding: 1, outputPadding: 1, groups: 2),
        ["linear"] = () => new Linear(5, 7),
        ["linear_nobias"] = () => new Linear(5, 3, bias: false),
        ["batchnorm2d_train"] = () => new BatchNorm2d(4),
        ["batchnorm2d_eval"] = () => new BatchNorm2d(4),
        ["batchnorm2d_cumulative"] = () => new BatchNorm2d(4, momentum: null),
        ["batchnorm2d_plain"] = () => new BatchNorm2d(4, eps: 1e-3, affine: false, trackRunningStats: false),
        ["frozen_batchnorm2d"] = () => new FrozenBatchNorm2d(4),
        ["groupnorm"] = () => new GroupNorm(2, 6),
        ["layernorm"] = () => new LayerNorm([4, 5]),
        ["embedding"] = () => new Embedding(10, 4, paddingIdx: 1),
        ["act_relu"] = () => new ReLU(),
        ["act_gelu"] = () => new GELU(),
        ["act_gelu_tanh"] = () => new GELU("tanh"),
        ["act_silu"] = () => new SiLU(),
        ["act_sigmoid"] = () => new Sigmoid(),
        ["act_hardswish"] = () => new Hardswish(),
        ["maxpool2d"] = () => new MaxPool2d(3, stride: 2, padding: 1),
        ["maxpool2d_ceil"] = () => new MaxPool2d(2, ceilMode: true),
        ["avgpool2d"] = () => new AvgPool2d(3, stride: 2, padding: 1, countIncludePad: false),
        ["adaptive_avgpool2d"] = () => new AdaptiveAvgPool2d((3, 2)),
        ["adaptive_maxpool2d"] = () => new AdaptiveMaxPool2d((2, 3)),
        ["upsample_nearest_scale"] = () => new Upsample(scaleFactor: 2),
        ["upsample_nearest_size"] = () => new Upsample(size: (5, 7)),
        ["upsample_bilinear_align"] = () => new Upsample(size: (7, 9), mode: "bilinear", alignCorners: true),
        ["upsample_bilinear"] = () => new Upsample(scaleFactor: 2, mode: "bilinear"),
        ["flatten"] = () => new Flatten(),
    };

    [Theory]
    [MemberData(nameof(SingleTensorCases))]
    public void LayerMatchesPyTorch(string name)
    {
        var before = Tensor.LiveCount;
        using (var layer = Cases[name]()) LayerGolden.Verify(layer, name);
        Assert.Equal(before, Tensor.LiveCount);
    }

    static IReadOnlyDictionary<string, Tensor> Attend(MultiheadAttention mha, IReadOnlyDictionary<string, Tensor> x)
    {
        var result = mha.Call(x["query"], x["key"], x["value"], x.GetValueOrDefault("key_padding_mask"),
                              attnMask: x.GetValueOrDefault("attn_mask"), averageAttnWeights: x["average"].Item<bool>());
        return new Dictionary<string, Tensor> { ["output"] = result.Output, ["weights"] = result.Weights! };
    }

    [Fact]
    public void CrossAttentionWithPaddingAndBoolMaskMatchesPyTorch()
    {
        using var mha = new MultiheadAttention(8, 2);
        LayerGolden.Verify(mha, "mha_cross", x => Attend(mha, x));
    }

    [Fact]
    public void BatchFirstSelfAttentionWithFloatMaskAndPerHeadWeightsMatchesPyTorch()
    {
        using var mha = new MultiheadAttention(8, 4, batchFirst: true);
        LayerGolden.Verify(mha, "mha_self_batch_first", x => Attend(mha, x));
    }

    [Fact]
    public void TransformerEncoderLayerMatchesPyTorch()
    {
        using var layer = new TransformerEncoderLayer(8, 2, dimFeedforward: 16);
        LayerGolden.Verify(layer, "transformer_encoder_layer", x => new Dictionary<string, Tensor>
        {
            ["output"] = layer.Call(x["src"], srcKeyPaddingMask: x["src_key_padding_mask"]),
        });
    }

    [Fact]
    public void TransformerDecoderLayerMatchesPyTorch()
    {
        using var layer = new TransformerDecoderLayer(8, 2, dimFeedforward: 16, batchFirst: true);
        LayerGolden.Verify(layer, "transformer_decoder_layer", x => new Dictionary<string, Tensor>
        {
            ["output"] = layer.Call(x["tgt"], x["memory"], tgtMask: x["tgt_mask"], memoryKeyPaddingMask: x["memory_key_padding_mask"]),
        });
    }
}
