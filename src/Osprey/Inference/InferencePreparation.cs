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
    /// <summary>Images the int8 ranges were observed on (0 for the other modes).</summary>
    public long CalibrationImages { get; init; }

    public string Describe() => Mode switch
    {
        InferenceMode.Plain => "inference: plain (BatchNorms apart, NCHW weights)",
        InferenceMode.Int8 => $"inference: int8 ({FoldedBatchNorms} conv+BatchNorm folded, per-channel qint8 weights, quint8 activations " +
                              $"calibrated on {CalibrationImages:N0} images, onednn kernels)",
        _ => $"inference: {(Mode == InferenceMode.Bf16 ? "bf16 autocast over the fast path" : "fast")} ({FoldedBatchNorms} conv+BatchNorm folded, " +
          $"{(ChannelsLast ? "channels-last" : "NCHW")} weights; parameters {ParametersBefore:N0} -> {ParametersAfter:N0})",
    };
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
        if (mode == InferenceMode.Int8)
            throw new ArgumentException("int8 needs calibration batches: InferencePreparation.QuantizeInt8(model, batches)");
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

    /// <summary>The int8 form of a ResNet / SE-ResNet classifier, which takes <paramref name="model"/> over (disposing
    /// the result disposes it), calibrated on <paramref name="calibration"/> batches of normalized images.</summary>
    public static (Module Model, InferencePreparationReport Report) QuantizeInt8(Module model, IEnumerable<Tensor> calibration)
    {
        if (model is not Models.Backbones.ResNet resnet)
            throw new ArgumentException($"int8 covers the ResNet and SE-ResNet classifiers; this model is a {model.TypeName} (use fast or bf16)");
        model.Eval();
        long before = CountParameters(model);
        int norms = model.Modules().Count(m => m is BatchNorm2d or FrozenBatchNorm2d);
        var int8 = Int8.Int8ResNet.Quantize(resnet, calibration);
        return (int8, new InferencePreparationReport(InferenceMode.Int8, norms, true, before, before) { CalibrationImages = int8.CalibrationImages });
    }

    static long CountParameters(Module model) => model.Parameters().Sum(p => p.NumEl);
}
