namespace Osprey.Torch.NN;

/// <summary>How a loss reduces over elements; values are ATen's reduction codes.</summary>
public enum Reduction { None = 0, Mean = 1, Sum = 2 }

public static partial class Functional
{
    static readonly Op crossEntropy = new("aten::cross_entropy_loss"), nllLoss = new("aten::nll_loss_nd");
    static readonly Op bceWithLogits = new("aten::binary_cross_entropy_with_logits"), bce = new("aten::binary_cross_entropy");
    static readonly Op l1Loss = new("aten::l1_loss"), mseLoss = new("aten::mse_loss");
    static readonly Op smoothL1Loss = new("aten::smooth_l1_loss"), huberLoss = new("aten::huber_loss");

    /// <summary>F.cross_entropy over class logits (N, C, ...) with class-index or probability targets.</summary>
    public static Tensor CrossEntropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean,
                                      long ignoreIndex = -100, double labelSmoothing = 0) =>
        crossEntropy.Tensor(input, target, weight, (long)reduction, ignoreIndex, labelSmoothing);

    public static Tensor NllLoss(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean,
                                 long ignoreIndex = -100) =>
        nllLoss.Tensor(input, target, weight, (long)reduction, ignoreIndex);

    public static Tensor BinaryCrossEntropyWithLogits(Tensor input, Tensor target, Tensor? weight = null,
                                                      Tensor? posWeight = null, Reduction reduction = Reduction.Mean) =>
        bceWithLogits.Tensor(input, target, weight, posWeight, (long)reduction);

    public static Tensor BinaryCrossEntropy(Tensor input, Tensor target, Tensor? weight = null, Reduction reduction = Reduction.Mean) =>
        bce.Tensor(input, target, weight, (long)reduction);

    public static Tensor L1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        l1Loss.Tensor(input, target, (long)reduction);

    public static Tensor MseLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean) =>
        mseLoss.Tensor(input, target, (long)reduction);

    public static Tensor SmoothL1Loss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double beta = 1) =>
        smoothL1Loss.Tensor(input, target, (long)reduction, beta);

    public static Tensor HuberLoss(Tensor input, Tensor target, Reduction reduction = Reduction.Mean, double delta = 1) =>
        huberLoss.Tensor(input, target, (long)reduction, delta);
}
