using Osprey.Models.Detection.Yolo;
using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Inference;

/// <summary>What <see cref="InferencePreparation.Prepare"/> did to a model.</summary>
/// <param name="FoldedBatchNorms">conv + BatchNorm pairs folded into their convolutions</param>
/// <param name="ParametersBefore">parameter elements before (BatchNorm affines included)</param>
/// <param name="ParametersAfter">parameter elements after (folded convolutions gain a bias, BatchNorms are gone)</param>
public sealed record InferencePreparationReport(InferenceMode Mode, int FoldedBatchNorms, bool ChannelsLast,
                                                long ParametersBefore, long ParametersAfter)
{
    public string Describe() => Mode == InferenceMode.Plain
        ? "inference: plain (BatchNorms apart, NCHW weights)"
        : $"inference: fast ({FoldedBatchNorms} conv+BatchNorm folded, {(ChannelsLast ? "channels-last" : "NCHW")} weights; " +
          $"parameters {ParametersBefore:N0} -> {ParametersAfter:N0})";
}

/// <summary>
/// Rewrites an eval-mode model for the inference path of an <see cref="InferenceMode"/>, in place and for good (a
/// folded model cannot train): the fast mode folds every conv + BatchNorm the model's blocks hold (YOLO's Conv blocks,
/// the ResNet family's stems and blocks, the Sequentials of UNet, PSPNet and the downsample paths; DETR's frozen
/// norms) and lays the convolution weights out channels-last.
/// </summary>
public static class InferencePreparation
{
    public static InferencePreparationReport Prepare(Module model, InferenceMode mode)
    {
        model.Eval();
        long before = CountParameters(model);
        if (mode == InferenceMode.Plain) return new(mode, 0, false, before, before);
        int folded = 0;
        if (model is YoloModel yolo)
        {
            folded += yolo.Modules().OfType<Models.Layers.ConvBnAct>().Count(c => !c.IsFused);
            yolo.Fuse();
        }
        folded += model.FoldBatchNorms();
        model.To(MemoryFormat.ChannelsLast);
        return new(mode, folded, true, before, CountParameters(model));
    }

    static long CountParameters(Module model) => model.Parameters().Sum(p => p.NumEl);
}
