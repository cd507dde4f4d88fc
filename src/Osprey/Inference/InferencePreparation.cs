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
        : $"inference: {(Mode == InferenceMode.Bf16 ? "bf16 autocast over the fast path" : "fast")} ({FoldedBatchNorms} conv+BatchNorm folded, " +
          $"{(ChannelsLast ? "channels-last" : "NCHW")} weights; parameters {ParametersBefore:N0} -> {ParametersAfter:N0})";
}

/// <summary>
/// Rewrites an eval-mode model for the inference path of an <see cref="InferenceMode"/>, in place and for good (a
/// folded model cannot train): the fast mode folds every conv + BatchNorm the model's blocks hold (YOLO's Conv blocks,
/// the ResNet family's stems and blocks, the Sequentials of UNet, PSPNet and the downsample paths; DETR's frozen
/// norms) and lays the convolution weights out channels-last; the bf16 mode runs that model under bf16 autocast.
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
        if (mode == InferenceMode.Bf16) RunUnderBf16Autocast(model);
        return new(mode, folded, true, before, CountParameters(model));
    }

    /// <summary>Every forward of <paramref name="model"/> under bf16 autocast; the bf16 tensors of its output are
    /// turned into float32 in place before it returns, so post-processing and metrics read float32 as on every path.</summary>
    static void RunUnderBf16Autocast(Module model)
    {
        model.ForwardScope = () => Autocast.Cpu(DType.BFloat16);
        model.RegisterForwardHook((_, _, output) =>
        {
            var tensors = output switch
            {
                Tensor t => [t],
                Models.IModelOutput o => o.Tensors(),
                _ => throw new InvalidOperationException($"{model.TypeName}: bf16 inference needs a tensor or model output, got {output?.GetType().Name}"),
            };
            foreach (var t in tensors)
                if (t.DType == DType.BFloat16)
                    using (var full = t.Float()) t.SetData(full);
        });
    }

    static long CountParameters(Module model) => model.Parameters().Sum(p => p.NumEl);
}
