using Osprey.Torch.NN;
using F = Osprey.Torch.NN.Functional;

namespace Osprey.Torch.Tests.Golden;

/// <summary>Losses: cross entropy (weights, ignore index, label smoothing, reductions, spatial and soft targets), BCE, L1 family.</summary>
public class GoldenLossTests
{
    internal static readonly GoldenCases Cases = new()
    {
        ["cross_entropy_mean"] = c => F.CrossEntropy(c["x"], c["t"]),
        ["cross_entropy_sum"] = c => F.CrossEntropy(c["x"], c["t"], reduction: Reduction.Sum),
        ["cross_entropy_none"] = c => F.CrossEntropy(c["x"], c["t"], reduction: Reduction.None),
        ["cross_entropy_weight"] = c => F.CrossEntropy(c["x"], c["t"], c["w"]),
        ["cross_entropy_ignore_index"] = c => F.CrossEntropy(c["x"], c["t"]),
        ["cross_entropy_label_smoothing"] = c => F.CrossEntropy(c["x"], c["t"], labelSmoothing: 0.1),
        ["cross_entropy_spatial"] = c => F.CrossEntropy(c["x"], c["t"], c["w"], ignoreIndex: 255, labelSmoothing: 0.05),
        ["cross_entropy_spatial_none"] = c => F.CrossEntropy(c["x"], c["t"], reduction: Reduction.None, ignoreIndex: 255),
        ["cross_entropy_probabilities"] = c => F.CrossEntropy(c["x"], c["p"]),
        ["cross_entropy_probabilities_smoothing"] = c => F.CrossEntropy(c["x"], c["p"], c["w"], labelSmoothing: 0.2),
        ["nll_loss"] = c => F.NllLoss(c["x"], c["t"], c["w"]),

        ["bce_with_logits_mean"] = c => F.BinaryCrossEntropyWithLogits(c["x"], c["y"]),
        ["bce_with_logits_pos_weight"] = c => F.BinaryCrossEntropyWithLogits(c["x"], c["y"], posWeight: c["pw"]),
        ["bce_with_logits_weight_none"] = c => F.BinaryCrossEntropyWithLogits(c["x"], c["y"], c["w"], reduction: Reduction.None),
        ["bce_with_logits_soft_sum"] = c => F.BinaryCrossEntropyWithLogits(c["x"], c["y"], reduction: Reduction.Sum),
        ["bce"] = c => F.BinaryCrossEntropy(c["p"], c["y"]),

        ["l1_loss"] = c => F.L1Loss(c["x"], c["y"]),
        ["l1_loss_none"] = c => F.L1Loss(c["x"], c["y"], Reduction.None),
        ["smooth_l1_loss"] = c => F.SmoothL1Loss(c["x"], c["y"]),
        ["smooth_l1_loss_beta_sum"] = c => F.SmoothL1Loss(c["x"], c["y"], Reduction.Sum, beta: 0.5),
        ["mse_loss"] = c => F.MseLoss(c["x"], c["y"]),
        ["mse_loss_sum"] = c => F.MseLoss(c["x"], c["y"], Reduction.Sum),
        ["huber_loss_delta"] = c => F.HuberLoss(c["x"], c["y"], delta: 2),
    };

    public static TheoryData<string> Names => Cases.Names();

    [Theory, MemberData(nameof(Names))]
    public void MatchesPyTorch(string name) => Cases.Check(name);
}
