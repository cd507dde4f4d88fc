using Osprey.Torch.NN;
using F = Osprey.Torch.NN.Functional;

namespace Osprey.Torch.Tests.Golden;

/// <summary>
/// Gradients: each case runs the op with the fixture's "wrt" inputs requiring grad, back-propagates
/// PyTorch's upstream gradient gy from the first output, and compares every input's gradient.
/// </summary>
public class GoldenGradTests
{
    internal static readonly GoldenCases Cases = new()
    {
        ["grad_conv2d"] = c => F.Conv2d(c["x"], c["w"], c["b"], stride: 2, padding: 1),
        ["grad_conv2d_depthwise_dilated"] = c => F.Conv2d(c["x"], c["w"], c["b"], stride: 1, padding: 2, dilation: 2, groups: 4),
        ["grad_conv_transpose2d"] = c => F.ConvTranspose2d(c["x"], c["w"], c["b"], stride: 2, padding: 1, outputPadding: 1),
        ["grad_batch_norm_train"] = c => F.BatchNorm(c["x"], c["rm"], c["rv"], c["w"], c["b"], training: true),
        ["grad_layer_norm"] = c => F.LayerNorm(c["x"], [6], c["w"], c["b"]),
        ["grad_group_norm"] = c => F.GroupNorm(c["x"], 2, c["w"], c["b"]),
        ["grad_linear"] = c => F.Linear(c["x"], c["w"], c["b"]),
        ["grad_interp_bilinear_noalign"] = c => F.Interpolate(c["x"], size: [7, 9], mode: "bilinear", alignCorners: false),
        ["grad_interp_bilinear_align"] = c => F.Interpolate(c["x"], scaleFactor: 2, mode: "bilinear", alignCorners: true),
        ["grad_interp_nearest"] = c => F.Interpolate(c["x"], size: [6, 7]),
        ["grad_softmax"] = c => c["x"].Softmax(1),
        ["grad_log_softmax"] = c => c["x"].LogSoftmax(1),
        ["grad_cross_entropy"] = c => F.CrossEntropy(c["x"], c["t"], c["w"], ignoreIndex: 255, labelSmoothing: 0.1),
        ["grad_cross_entropy_probabilities"] = c => F.CrossEntropy(c["x"], c["p"], labelSmoothing: 0.1),
        ["grad_bce_with_logits"] = c => F.BinaryCrossEntropyWithLogits(c["x"], c["y"], posWeight: c["pw"]),
        ["grad_smooth_l1"] = c => F.SmoothL1Loss(c["x"], c["y"], beta: 0.5),
        ["grad_mse"] = c => F.MseLoss(c["x"], c["y"], Reduction.Sum),
        ["grad_l1"] = c => F.L1Loss(c["x"], c["y"]),
        ["grad_matmul"] = c => c["a"].Matmul(c["b"]),
        ["grad_bmm"] = c => c["a"].Bmm(c["b"]),
        ["grad_max_pool2d"] = c => F.MaxPool2d(c["x"], 3, stride: 2, padding: 1),
        ["grad_avg_pool2d"] = c => F.AvgPool2d(c["x"], 3, stride: 2, padding: 1, countIncludePad: false),
        ["grad_adaptive_avg_pool2d"] = c => F.AdaptiveAvgPool2d(c["x"], 3),
        ["grad_adaptive_max_pool2d"] = c => F.AdaptiveMaxPool2d(c["x"], 3),
        ["grad_gelu"] = c => F.Gelu(c["x"]),
        ["grad_gelu_tanh"] = c => F.Gelu(c["x"], "tanh"),
        ["grad_silu"] = c => F.Silu(c["x"]),
        ["grad_hardswish"] = c => F.Hardswish(c["x"]),
        ["grad_sigmoid"] = c => c["x"].Sigmoid(),
        ["grad_tanh"] = c => c["x"].Tanh(),
        ["grad_leaky_relu"] = c => F.LeakyRelu(c["x"], 0.1),
        ["grad_gather"] = c => c["x"].Gather(1, c["i"]),
        ["grad_index_select"] = c => c["x"].IndexSelect(0, c["i"]),
        ["grad_index_tensor"] = c => c["x"][c["i"], 1..],
        ["grad_scatter_add"] = c => c["x"].ScatterAdd(1, c["i"], c["s"]),
        ["grad_masked_fill"] = c => c["x"].MaskedFill(c["m"], 0.0),
        ["grad_where"] = c => Tensor.Where(c["c"], c["a"], c["b"]),
        ["grad_div_broadcast"] = c => c["a"] / c["b"],
        ["grad_cat"] = c => Tensor.Cat([c["a"], c["b"]], 1),
        ["grad_stack"] = c => Tensor.Stack([c["a"], c["b"]], 0),
        ["grad_pad_reflect"] = c => F.Pad(c["x"], [2, 1, 1, 2], "reflect"),
        ["grad_dropout_p0"] = c => F.Dropout(c["x"], 0, training: true),
        ["grad_norm"] = c => c["x"].Norm(dims: [1]),
        ["grad_std"] = c => c["x"].Std([0]),
        ["grad_attention"] = c => F.ScaledDotProductAttention(c["q"], c["k"], c["v"], c["mask"]),
    };

    public static TheoryData<string> Names => Cases.Names();

    [Theory, MemberData(nameof(Names))]
    public void MatchesPyTorch(string name) => Cases.Check(name);

    [Fact]
    public void GradientsAccumulateOverBackwardCallsUntilCleared()
    {
        using var scope = TensorScope.Begin();
        var c = Fixture.Load(Golden.FixtureName("grad_linear"));
        var w = c["w"].RequiresGrad_();
        var y = F.Linear(c["x"], w, c["b"]);
        y.Backward(c["gy"], retainGraph: true);
        y.Backward(c["gy"]);
        Golden.Same(c["grad.w"] * 2, w.Grad!, "grad.w after two backward calls");
        w.ClearGrad();
        F.Linear(c["x"], w, c["b"]).Backward(c["gy"]);
        Golden.Same(c["grad.w"], w.Grad!, "grad.w after clearing and one backward call");
    }
}
