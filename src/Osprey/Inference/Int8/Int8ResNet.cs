using Osprey.Data;
using Osprey.Models;
using Osprey.Models.Backbones;
using Osprey.Models.Classification;
using Osprey.Models.Layers;
using Osprey.Torch;
using Osprey.Torch.NN;

namespace Osprey.Inference.Int8;

/// <summary>
/// A ResNet / SE-ResNet classifier in int8 (post-training static quantization, as PyTorch's FX flow gives it on the
/// onednn engine): the input quantized to quint8 at its calibrated range, every conv (+ BatchNorm folded, + ReLU fused)
/// a quantized convolution with per-channel qint8 weights, each block's residual add and ReLU one quantized add_relu,
/// max- and average-pooling on quint8; an SE gate is computed in float from the quantized means (a few values per
/// channel) and applied by a quantized multiply; the final linear layer runs in float on the dequantized means.
/// Float logits out. Owns the float model it was built from (its SE blocks and classifier run here).
/// </summary>
public sealed class Int8ResNet : Module<Tensor, Tensor>, IImageModel<ClassificationOutput>
{
    readonly ResNet source;
    readonly ActivationRange input;
    readonly QuantizedConv2d stem;
    readonly bool maxPool;
    readonly Int8Block[] blocks;

    /// <summary>Images the ranges were observed on.</summary>
    public long CalibrationImages { get; private init; }

    Int8ResNet(ResNet source, ActivationRange input, QuantizedConv2d stem, bool maxPool, Int8Block[] blocks)
    {
        this.source = RegisterModule("float", source);
        (this.input, this.maxPool, this.blocks) = (input, maxPool, blocks);
        this.stem = RegisterModule("stem", stem);
        for (int k = 0; k < blocks.Length; k++) RegisterModule($"block{k}", blocks[k]);
    }

    /// <summary>Quantizes <paramref name="model"/> (a classifier, taken over: the result owns and disposes it), folding
    /// its BatchNorms first, with ranges observed on <paramref name="calibration"/> batches of normalized images.
    /// Sets the process's quantized engine to onednn.</summary>
    public static Int8ResNet Quantize(ResNet model, IEnumerable<Tensor> calibration)
    {
        if (model.Options.NumClasses == null) throw new ArgumentException("int8: the ResNet is a backbone, not a classifier");
        QuantizedEngine.Current = "onednn";
        InferencePreparation.Prepare(model, InferenceMode.Fast);
        var plans = Blocks(model).ToList();
        var stemConv = (Conv2d)model.GetModule("conv1");
        var observed = new List<Module> { stemConv };
        foreach (var p in plans) observed.AddRange(p.Observed);
        var (inputRange, ranges, images) = Int8Calibration.Run(model, observed, calibration);
        var blocks = plans.Select(p => p.Build(ranges)).ToArray();
        bool maxPool = model.NamedModules().Any(m => m.Name == "maxpool");
        return new Int8ResNet(model, inputRange, new QuantizedConv2d(stemConv, ranges[stemConv], relu: true), maxPool, blocks)
        {
            CalibrationImages = images,
        };
    }

    static IEnumerable<BlockPlan> Blocks(ResNet model)
    {
        for (int s = 1; s <= 4; s++)
            foreach (var block in model.GetModule($"layer{s}").Children())
            {
                var names = block.NamedModules().Select(m => m.Name).ToHashSet();
                var convs = new[] { "conv1", "conv2", "conv3" }.Where(names.Contains).Select(n => (Conv2d)block.GetModule(n)).ToArray();
                var se = !names.Contains("se") ? null : block.GetModule("se") as SqueezeExcitation
                    ?? throw new ArgumentException($"int8: a block's attention is {block.GetModule("se").TypeName}; int8 covers SE blocks");
                var downsample = names.Contains("downsample") ? (Conv2d)block.GetModule("downsample.0") : null;
                yield return new BlockPlan(block, convs, se, downsample);
            }
    }

    sealed record BlockPlan(Module Block, Conv2d[] Convs, SqueezeExcitation? Se, Conv2d? Downsample)
    {
        public IEnumerable<Module> Observed =>
            Convs.Cast<Module>().Concat(new Module?[] { Se, Downsample, Block }.OfType<Module>());

        // The ReLU follows every convolution of the branch but the last (the add comes first there).
        public Int8Block Build(Dictionary<Module, ActivationRange> ranges) => new(
            Convs.Select((c, k) => new QuantizedConv2d(c, ranges[c], relu: k < Convs.Length - 1)).ToArray(),
            Se, Se != null ? ranges[Se] : default,
            Downsample != null ? new QuantizedConv2d(Downsample, ranges[Downsample], relu: false) : null,
            ranges[Block]);
    }

    public ClassificationOutput Run(ImageBatch batch) => new(Call(batch.Images));

    public override Tensor Forward(Tensor images)
    {
        using var scope = TensorScope.Begin();
        var x = QuantizedOps.Quantize(images.Contiguous(MemoryFormat.ChannelsLast), input);
        x = stem.Call(x);
        if (maxPool) x = ((MaxPool2d)source.GetModule("maxpool")).Call(x);
        foreach (var block in blocks) x = block.Call(x);
        var pooled = QuantizedOps.Dequantize(Functional.AdaptiveAvgPool2d(x, 1)).Flatten(1);
        return scope.Keep(((Linear)source.GetModule("fc")).Call(pooled));
    }
}
